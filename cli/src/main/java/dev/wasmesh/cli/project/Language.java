package dev.wasmesh.cli.project;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The languages {@code wasmesh init} can generate a filter project for, in the order the prompt lists them. */
public enum Language {
    CPP("cpp", "C++: proxy-wasm-cpp-sdk, or clang + wasi-libc without the SDK"),
    RUST("rust", "Rust: the proxy-wasm crate"),
    ASSEMBLYSCRIPT("assemblyscript", "AssemblyScript: @gcoredev/proxy-wasm-sdk-as"),
    TINYGO("tinygo", "TinyGo: tetratelabs/proxy-wasm-go-sdk"),
    GO("go", "Go >= 1.24: proxy-wasm/proxy-wasm-go-sdk");

    private final String id;
    private final String description;

    Language(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** The name users type and files store, e.g. {@code assemblyscript}. */
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public static Optional<Language> byId(String id) {
        return Arrays.stream(values()).filter(l -> l.id.equals(id)).findFirst();
    }

    /** "cpp, rust, assemblyscript, tinygo, go" for messages. */
    public static String ids() {
        return Arrays.stream(values()).map(Language::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }

    /** Lets picocli parse {@code --language} and reject unknown names with the list of valid ones. */
    public static final class Converter implements ITypeConverter<Language> {
        @Override
        public Language convert(String value) {
            return byId(value)
                    .orElseThrow(() ->
                            new TypeConversionException("unknown language '" + value + "': choose one of " + ids()));
        }
    }

    /** The ids, for help text and shell completion. */
    public static final class Ids implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(Language::id).iterator();
        }
    }
}
