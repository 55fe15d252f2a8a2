package dev.codeproxy.core.config;

import java.util.List;

/** An import file that cannot be accepted; every problem names its JSON path and what is accepted. */
public class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
