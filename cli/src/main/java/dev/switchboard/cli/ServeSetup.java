package dev.switchboard.cli;

import dev.switchboard.gateway.GatewayConfig;
import dev.switchboard.runtime.Switchboard;

/**
 * What {@code serve} starts from, checked as one: the providers and routes, and the gateway block. {@code config
 * check} runs exactly this, so a check that passes means {@code serve} gets as far as binding its port.
 *
 * @param switchboard the configured Switchboard; the caller closes it
 * @param gateway     the gateway's settings
 */
record ServeSetup(Switchboard switchboard, GatewayConfig gateway) {

    /**
     * Reads and checks everything, creating the providers (so their factories' own checks run too) but binding
     * nothing.
     *
     * @throws dev.switchboard.runtime.SwitchboardConfigException listing every problem found
     * @throws dev.switchboard.runtime.ProviderDiscoveryException when a provider type is installed twice
     */
    static ServeSetup open(SwitchboardCommand root) {
        return open(root, false);
    }

    /**
     * As {@link #open(SwitchboardCommand)}; with {@code stateSnapshot}, the state backend is read as a snapshot (see
     * {@link Switchboard.Builder#stateSnapshot()}), so that {@code config check} works beside the running gateway
     * whose next configuration it checks.
     */
    static ServeSetup open(SwitchboardCommand root, boolean stateSnapshot) {
        Switchboard.Builder b = root.builder().section(GatewayConfig::check).requireRoute();
        Switchboard sb = (stateSnapshot ? b.stateSnapshot() : b).build();
        try {
            return new ServeSetup(sb, GatewayConfig.from(sb.config()));
        } catch (RuntimeException e) {
            sb.close();
            throw e;
        }
    }
}
