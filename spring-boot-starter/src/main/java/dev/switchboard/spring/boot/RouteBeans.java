package dev.switchboard.spring.boot;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.runtime.Switchboard;
import java.util.Set;
import java.util.StringJoiner;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.env.Environment;

/**
 * Registers one {@link LlmProvider} bean per configured route, named {@code switchboardRoute.<name>} and qualified
 * {@code @Qualifier("<name>")}; the route {@code switchboard.default-route} names is the primary one, so a plain
 * {@code LlmProvider} injection point gets it. Each bean is the Switchboard's route (traced when telemetry is on;
 * closed with the Switchboard, not on its own).
 */
final class RouteBeans implements BeanDefinitionRegistryPostProcessor {

    static final String BEAN_PREFIX = "switchboardRoute.";
    private static final Log LOG = LogFactory.getLog(RouteBeans.class);

    private final Environment environment;

    RouteBeans(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        SpringEnvironmentConfig config = SpringEnvironmentConfig.of(environment);
        BeanFactory factory = (BeanFactory) registry;
        String primary = config.defaultRoute();
        for (String route : config.routeNames()) {
            RootBeanDefinition bean = new RootBeanDefinition(LlmProvider.class,
                    () -> factory.getBeanProvider(SwitchboardAssembly.class)
                            .getIfAvailable(() -> SwitchboardAssembly.PLAIN)
                            .route(factory.getBean(Switchboard.class).route(route)));
            bean.addQualifier(new AutowireCandidateQualifier(Qualifier.class, route));
            bean.setPrimary(route.equals(primary));
            bean.setDestroyMethodName(""); // the Switchboard closes its routes
            bean.setDependsOn("switchboard");
            registry.registerBeanDefinition(BEAN_PREFIX + route, bean);
        }
        LOG.info(describe(config.routeNames(), primary));
    }

    /** Which route beans there are, so that an unsatisfied {@code @Qualifier("x") LlmProvider} can be explained. */
    static String describe(Set<String> routes, String primary) {
        if (routes.isEmpty()) {
            return "Switchboard: no switchboard.routes configured, so no LlmProvider route beans (inject Switchboard "
                    + "and call provider(name), or add switchboard.routes.<name>.targets)";
        }
        StringJoiner beans = new StringJoiner(", ", "Switchboard route beans (LlmProvider): ", "");
        for (String route : routes) {
            beans.add("@Qualifier(\"" + route + "\")" + (route.equals(primary) ? " (primary)" : ""));
        }
        return beans.toString();
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}
}
