module dev.switchboard.gateway { requires transitive dev.switchboard.runtime; exports dev.switchboard.gateway; }
