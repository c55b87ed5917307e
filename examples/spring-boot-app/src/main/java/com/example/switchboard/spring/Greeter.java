package com.example.switchboard.spring;

import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.LlmProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/** Asks the route named {@code assistant} (its fallback, retries and budget come from the configuration). */
@Service
public class Greeter {

    private final LlmProvider assistant;

    public Greeter(@Qualifier("assistant") LlmProvider assistant) {
        this.assistant = assistant;
    }

    public String greet(String name) {
        return assistant.chat(ChatRequest.builder().system("Be brief.").user("Say hello to " + name).build()).text();
    }
}
