package dev.wasmesh.proxy.config;

import java.util.regex.Pattern;

/**
 * One of Envoy's {@code stats_config.stats_tags}: a tag with a fixed value on every stat, or one cut out of the
 * stat's name by a regex whose first group is removed from the name and whose second group (else the first) is the
 * tag's value.
 */
public record StatsTag(String name, Pattern regex, String fixedValue) {
    public static StatsTag regex(String name, String regex) {
        return new StatsTag(name, Pattern.compile(regex), null);
    }

    public static StatsTag fixed(String name, String value) {
        return new StatsTag(name, null, value);
    }
}
