package dev.wasmesh.testing.scenario;

import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigValue;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.stream.HeaderMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The conversions of single values the scenario format shares between plugins, steps and expectations. */
final class ScenarioValues {
    private ScenarioValues() {}

    /** A single value as a one-item list, or a list of values, as text. */
    static List<String> strings(ConfigValue v) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (ConfigValue item : v.oneOrList()) {
            out.add(item.asString());
        }
        return out;
    }

    /** A header map: name to value, or name to a list of values for a repeated header. */
    static HeaderMap headers(ConfigValue v) throws ConfigException {
        HeaderMap headers = new HeaderMap();
        for (Map.Entry<String, List<String>> e : multiMap(v).entrySet()) {
            for (String value : e.getValue()) {
                headers.add(HeaderMap.utf8(e.getKey()), HeaderMap.utf8(value));
            }
        }
        return headers;
    }

    static Map<String, List<String>> multiMap(ConfigValue v) throws ConfigException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : v.asMap().entries().entrySet()) {
            out.put(e.getKey(), strings(e.getValue()));
        }
        return out;
    }

    /** A log level by name; {@code at} is where an unknown name is reported. */
    static LogLevel logLevel(ConfigValue at, String name) throws ConfigException {
        try {
            return LogLevel.parse(name);
        } catch (IllegalArgumentException e) {
            throw at.error(e.getMessage());
        }
    }
}
