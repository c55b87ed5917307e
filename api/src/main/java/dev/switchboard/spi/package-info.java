/**
 * The provider SPI: the {@link dev.switchboard.spi.ProviderFactory} a plugin registers, the settings and context it
 * is created with, and helpers for building answers.
 *
 * <p>Nothing in this package is null unless marked {@code @Nullable}: an absent value is an {@code Optional} (or an
 * empty list or string where the wire itself says "empty"), and {@code @Nullable} appears only where a record
 * component or a builder argument may be null.
 */
@NullMarked
package dev.switchboard.spi;

import org.jspecify.annotations.NullMarked;
