package dev.switchboard.spring.boot;

import ch.qos.logback.classic.LoggerContext;
import dev.switchboard.opentelemetry.SwitchboardTelemetry;
import dev.switchboard.runtime.Switchboard;
import dev.switchboard.spi.SecretRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Builds one {@link Switchboard} from Spring's environment (see {@link SpringEnvironmentConfig}) and exposes it, one
 * {@link dev.switchboard.api.LlmProvider} bean per configured route (qualified by the route's name; the default
 * route's is primary), a health indicator named {@code switchboard} when Spring Boot's health API is present (3.5's
 * actuator or 4.0's {@code spring-boot-health}) and
 * Micrometer meters when Micrometer is. With {@code switchboard-opentelemetry} on the class path and an
 * {@link OpenTelemetry} bean, calls are traced and measured after the GenAI conventions (a {@link
 * SwitchboardTelemetry} bean; each route bean a parent span per call). The Switchboard is closed with the context. {@code switchboard.enabled =
 * false} turns it all off.
 */
// After Spring Boot's own OpenTelemetry auto-configuration (3.5 and 4.0 names), so its OpenTelemetry bean is seen.
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration",
        "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration"})
@ConditionalOnProperty(name = "switchboard.enabled", havingValue = "true", matchIfMissing = true)
public class SwitchboardAutoConfiguration {

    private static final Log LOG = LogFactory.getLog(SwitchboardAutoConfiguration.class);

    /** Reads the route names early, so that each route can be its own bean. */
    @Bean
    static RouteBeans switchboardRouteBeans(Environment environment) {
        return new RouteBeans(environment);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Switchboard switchboard(Environment environment, ObjectProvider<SwitchboardAssembly> assembly) {
        List<String> ignored = SpringEnvironmentConfig.ignoredProperties(environment);
        if (!ignored.isEmpty()) {
            // Both are configuration: say which one wins rather than merge two trees behind the user's back.
            LOG.warn(SpringEnvironmentConfig.FILE_PROPERTY + " = " + environment.getProperty(
                    SpringEnvironmentConfig.FILE_PROPERTY) + " is the whole Switchboard configuration; these "
                    + ignored.size() + " switchboard.* properties are ignored: " + String.join(", ", ignored)
                    + " (move them into that file, or remove " + SpringEnvironmentConfig.FILE_PROPERTY + ")");
        }
        return assembly.getIfAvailable(() -> SwitchboardAssembly.PLAIN)
                .build(SpringEnvironmentConfig.of(environment).builder());
    }

    /**
     * Keeps credentials out of HttpClient's wire log when Logback is the logging system (the header log prints
     * them masked already: see {@code CredentialHeader}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "ch.qos.logback.classic.LoggerContext")
    static class Logging {
        @Bean
        @ConditionalOnMissingBean
        SecretLogFilter switchboardSecretLogFilter() {
            return LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                    ? SecretLogFilter.install(context, SecretRegistry.global())
                    : new SecretLogFilter(); // another SLF4J backend: nothing to install into
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({SwitchboardTelemetry.class, OpenTelemetry.class})
    @ConditionalOnBean(OpenTelemetry.class)
    static class Telemetry {
        @Bean
        @ConditionalOnMissingBean
        SwitchboardTelemetry switchboardTelemetry(OpenTelemetry openTelemetry) {
            return SwitchboardTelemetry.create(openTelemetry);
        }

        @Bean
        SwitchboardAssembly switchboardTelemetryAssembly(SwitchboardTelemetry telemetry) {
            return new TelemetryAssembly(telemetry);
        }
    }

    /** Spring Boot 3's actuator health. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Health {
        @Bean(name = "switchboardHealthIndicator")
        @ConditionalOnMissingBean(name = "switchboardHealthIndicator")
        SwitchboardHealthIndicator switchboardHealthIndicator(Switchboard switchboard) {
            return new SwitchboardHealthIndicator(switchboard);
        }
    }

    /** Spring Boot 4's health, whose types moved to their own module and package. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4Health {
        @Bean(name = "switchboardHealthIndicator")
        @ConditionalOnMissingBean(name = "switchboardHealthIndicator")
        SwitchboardBoot4HealthIndicator switchboardHealthIndicator(Switchboard switchboard) {
            return new SwitchboardBoot4HealthIndicator(switchboard);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        SwitchboardMeters switchboardMeters(Switchboard switchboard) {
            return new SwitchboardMeters(switchboard);
        }
    }
}
