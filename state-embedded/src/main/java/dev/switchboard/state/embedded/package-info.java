/**
 * {@code switchboard.state.backend = embedded}: {@link dev.switchboard.state.embedded.EmbeddedStateBackend} opens a
 * {@link dev.switchboard.runtime.state.MemoryStateStore} whose every change is written to SQLite by a
 * {@link dev.switchboard.state.embedded.SqliteJournal} before the call that made it returns.
 */
@NullMarked
package dev.switchboard.state.embedded;

import org.jspecify.annotations.NullMarked;
