package dev.switchboard.spring.boot;

import dev.switchboard.runtime.SwitchboardConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Shows a configuration refused at startup as Spring Boot's "APPLICATION FAILED TO START" report, one problem a
 * line (each naming its property's file and line), instead of the bean-creation exception chain around it.
 */
final class SwitchboardConfigFailureAnalyzer extends AbstractFailureAnalyzer<SwitchboardConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SwitchboardConfigException cause) {
        StringBuilder description = new StringBuilder("The Switchboard configuration has ")
                .append(cause.problems().size() == 1 ? "a problem:" : cause.problems().size() + " problems:");
        for (String problem : cause.problems()) {
            description.append(System.lineSeparator()).append("    ").append(problem);
        }
        return new FailureAnalysis(description.toString(),
                "Fix the switchboard.* properties named above (or the file switchboard.config names) and restart.",
                cause);
    }
}
