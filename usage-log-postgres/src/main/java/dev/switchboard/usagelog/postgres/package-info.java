/**
 * {@code switchboard.usage-log.jdbc-url = jdbc:postgresql://...}: {@link
 * dev.switchboard.usagelog.postgres.PostgresUsageLogBackend} opens a {@link
 * dev.switchboard.usagelog.postgres.PostgresUsageLog}, which writes each call's record from a bounded queue and
 * answers usage queries.
 */
@NullMarked
package dev.switchboard.usagelog.postgres;

import org.jspecify.annotations.NullMarked;
