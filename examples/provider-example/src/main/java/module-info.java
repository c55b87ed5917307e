/** An example Switchboard provider plugin: provider type {@code parrot}, for the Parrot API. */
module com.example.switchboard.parrot {
    requires dev.switchboard.api;

    provides dev.switchboard.spi.ProviderFactory with com.example.switchboard.parrot.ParrotProviderFactory;
}
