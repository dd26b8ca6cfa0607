package dev.wasmesh.deploy.cli;

import dev.wasmesh.deploy.istio.DeployMode;
import dev.wasmesh.deploy.istio.FailStrategy;
import dev.wasmesh.deploy.istio.PatchContext;
import dev.wasmesh.deploy.istio.Phase;
import dev.wasmesh.deploy.istio.PullPolicy;
import dev.wasmesh.deploy.oci.ImageVariant;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * Enum options that accept the spellings people type: {@code envoyfilter}, {@code IfNotPresent}, {@code fail-open} and
 * {@code FAIL_OPEN} alike, without the root command having to switch on picocli's case-insensitive mode.
 */
final class Converters {
    private Converters() {}

    private abstract static class Lenient<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {
        private final Class<E> type;

        Lenient(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            String wanted = squash(value);
            for (E constant : type.getEnumConstants()) {
                if (squash(constant.name()).equals(wanted)) {
                    return constant;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(c -> c.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", ")));
        }

        private static String squash(String text) {
            return text.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
        }
    }

    static final class Mode extends Lenient<DeployMode> {
        Mode() {
            super(DeployMode.class);
        }
    }

    static final class Context extends Lenient<PatchContext> {
        Context() {
            super(PatchContext.class);
        }
    }

    static final class Variant extends Lenient<ImageVariant> {
        Variant() {
            super(ImageVariant.class);
        }
    }

    static final class Strategy extends Lenient<FailStrategy> {
        Strategy() {
            super(FailStrategy.class);
        }
    }

    static final class PluginPhase extends Lenient<Phase> {
        PluginPhase() {
            super(Phase.class);
        }
    }

    static final class Pull extends Lenient<PullPolicy> {
        Pull() {
            super(PullPolicy.class);
        }
    }
}
