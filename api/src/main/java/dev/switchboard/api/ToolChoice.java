package dev.switchboard.api;

import java.util.Objects;

/** Whether and which tool the model must call. */
public sealed interface ToolChoice permits ToolChoice.Auto, ToolChoice.None, ToolChoice.Required, ToolChoice.Specific {

    Auto AUTO = new Auto();
    None NONE = new None();
    Required REQUIRED = new Required();

    static Specific function(String name) {
        return new Specific(name);
    }

    /** The model decides. */
    record Auto() implements ToolChoice {}

    /** The model must not call a tool. */
    record None() implements ToolChoice {}

    /** The model must call some tool. */
    record Required() implements ToolChoice {}

    /** The model must call this tool. */
    record Specific(String name) implements ToolChoice {
        public Specific {
            Objects.requireNonNull(name, "name");
        }
    }
}
