/**
 * The gateway's dashboard ({@code GET /ui}): its static page and assets, and what it shows that the gateway keeps
 * only for it: the most recent calls with their attempt trails, per-route figures over the last minutes, and the
 * last failure of each provider. Internal to the gateway; not exported.
 */
@NullMarked
package dev.switchboard.gateway.ui;

import org.jspecify.annotations.NullMarked;
