/**
 * The provider SPI: what a plugin implements to add a provider type. A plugin jar names its
 * {@link dev.switchboard.spi.ProviderFactory} in {@code META-INF/services} (or {@code provides} in its
 * {@code module-info.java}); the host finds it with {@link java.util.ServiceLoader}, hands it the provider's
 * {@link dev.switchboard.spi.ProviderSettings} read from config and a {@link dev.switchboard.spi.ProviderContext}
 * shared by every provider, and gets back an {@link dev.switchboard.api.LlmProvider}. The package also holds the
 * pieces most providers need: timeouts, response limits, secret registration and a base for chat streams.
 *
 * <p>Nothing in this package is null unless marked {@code @Nullable}: an absent value is an {@code Optional} (or an
 * empty list or string where the wire itself says "empty"), and {@code @Nullable} appears only where a record
 * component or a builder argument may be null.
 */
@NullMarked
package dev.switchboard.spi;

import org.jspecify.annotations.NullMarked;
