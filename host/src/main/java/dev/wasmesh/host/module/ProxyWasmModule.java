package dev.wasmesh.host.module;

import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.DataCountSection;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.ElementSection;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionSection;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.GlobalSection;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.NameCustomSection;
import com.dylibso.chicory.wasm.types.SectionId;
import com.dylibso.chicory.wasm.types.StartSection;
import com.dylibso.chicory.wasm.types.TableSection;
import com.dylibso.chicory.wasm.types.TagSection;
import com.dylibso.chicory.wasm.types.TypeSection;
import dev.wasmesh.host.GuestMemoryBudget;
import dev.wasmesh.host.WasmFailure;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.internal.BudgetedMemory;
import dev.wasmesh.host.internal.functions.HostFunctions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A checked and compiled proxy-wasm module. Loading parses the bytes, finds the ABI marker, checks that every import
 * is one this host provides and that there is an allocator, then compiles the code once (or takes it from the
 * {@link CodeCache}); every VM instantiated from it reuses the compiled code.
 */
public final class ProxyWasmModule {
    /** How the module's code runs. */
    public enum Engine {
        /** Chicory's runtime compiler to JVM bytecode (the default; much faster). */
        COMPILER,
        /** Chicory's interpreter. */
        INTERPRETER
    }

    private static final byte[] WASM_MAGIC = {0x00, 0x61, 0x73, 0x6d};

    private final String name;
    private final WasmModule module;
    private final AbiVersion abiVersion;
    private final Engine engine;
    private final Function<Instance, Machine> machineFactory;
    private final boolean codeFromCache;
    private final Map<String, FunctionType> exportedFunctions;
    private final Set<String> functionImports;
    private final String allocator;
    private final NameCustomSection names;
    private final int sizeBytes;

    private ProxyWasmModule(
            String name,
            WasmModule module,
            AbiVersion abiVersion,
            Engine engine,
            Function<Instance, Machine> machineFactory,
            boolean codeFromCache,
            Map<String, FunctionType> exportedFunctions,
            String allocator,
            int sizeBytes) {
        this.name = name;
        this.module = module;
        this.abiVersion = abiVersion;
        this.engine = engine;
        this.machineFactory = machineFactory;
        this.codeFromCache = codeFromCache;
        this.exportedFunctions = exportedFunctions;
        this.functionImports = functionImports(module);
        this.allocator = allocator;
        this.names = module.nameSection();
        this.sizeBytes = sizeBytes;
    }

    public static ProxyWasmModule load(Path file) throws ModuleLoadException {
        return load(file, Engine.COMPILER);
    }

    public static ProxyWasmModule load(Path file, Engine engine) throws ModuleLoadException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModuleLoadException(file + ": no such file");
        } catch (IOException e) {
            throw new ModuleLoadException(file + ": cannot read: " + e.getMessage(), e);
        }
        return fromBytes(file.getFileName().toString(), bytes, engine);
    }

    public static ProxyWasmModule fromBytes(String name, byte[] bytes) throws ModuleLoadException {
        return fromBytes(name, bytes, Engine.COMPILER);
    }

    /** Loads with the process's {@link CodeCache#standard() code cache} for the compiler engine. */
    public static ProxyWasmModule fromBytes(String name, byte[] bytes, Engine engine) throws ModuleLoadException {
        return fromBytes(name, bytes, engine, engine == Engine.COMPILER ? CodeCache.standard() : null);
    }

    /**
     * @param cache where the compiler engine finds and keeps the module's compiled code, or null to compile it
     *     every time
     */
    public static ProxyWasmModule fromBytes(String name, byte[] bytes, Engine engine, CodeCache cache)
            throws ModuleLoadException {
        checkHeader(name, bytes);
        String sha256 = engine == Engine.COMPILER && cache != null ? CodeCache.sha256Hex(bytes) : null;
        ModuleCompiler.StoredCode stored = sha256 == null ? null : ModuleCompiler.StoredCode.of(cache.read(sha256));
        if (stored == null
                && sha256 != null
                && CompilerProcess.wanted(bytes.length)
                && CompilerProcess.compile(bytes, cache)) {
            stored = ModuleCompiler.StoredCode.of(cache.read(sha256));
        }
        // An entry exists only for a module that this build validated and compiled before, so validating the same
        // bytes again (much of the parse time of a large module) would only repeat that answer. When every function
        // was compiled, the function bodies are not read at all: the stored classes are the code.
        WasmModule module = stored == null
                ? parse(name, bytes, true)
                : stored.interpreted() ? parse(name, bytes, false) : parseWithoutCode(name, bytes, sha256);
        Map<String, FunctionType> exports = exportedFunctions(name, module);
        AbiVersion abi = abiVersion(name, exports);
        checkImports(name, module);
        String allocator = exports.containsKey("proxy_on_memory_allocate")
                ? "proxy_on_memory_allocate"
                : exports.containsKey("malloc") ? "malloc" : null;
        if (allocator == null) {
            throw new ModuleLoadException(name + ": no allocator export: a proxy-wasm module must export "
                    + "proxy_on_memory_allocate or malloc so the host can hand it data");
        }
        Function<Instance, Machine> factory = null;
        if (stored != null) {
            try {
                factory = ModuleCompiler.fromStored(module, stored);
            } catch (RuntimeException | LinkageError e) {
                // Whatever stops the stored code from loading (a jar without its main class, a VerifyError), the
                // module itself is fine: compile it afresh, from validated bytes.
                cache.evict(sha256);
                module = parse(name, bytes, true);
            }
        }
        boolean fromCache = factory != null;
        if (engine == Engine.COMPILER && factory == null) {
            factory = ModuleCompiler.compileAndStore(name, module, cache, sha256);
        }
        return new ProxyWasmModule(name, module, abi, engine, factory, fromCache, exports, allocator, bytes.length);
    }

    /**
     * The module without its function bodies, for code that comes compiled from the cache: a large module's bodies
     * are most of its parse time and of the memory it holds. Each function keeps an empty body, so that the module
     * has its shape (the compiled classes never read the bodies); the digest is the cache key, which Chicory needs
     * to take stored code.
     */
    private static WasmModule parseWithoutCode(String name, byte[] bytes, String sha256) throws ModuleLoadException {
        String oversized = ModuleCounts.check(bytes);
        if (oversized != null) {
            throw new ModuleLoadException(name + ": malformed module: " + oversized);
        }
        WasmModule.Builder module = WasmModule.builder().withValidation(false).withDigest(sha256);
        Parser.Builder parser = Parser.builder().withValidation(false);
        for (int id = SectionId.CUSTOM; id <= SectionId.TAG; id++) {
            if (id != SectionId.CODE) {
                parser.includeSectionId(id);
            }
        }
        int[] functions = {0};
        try {
            parser.build().parse(new ByteArrayInputStream(bytes), section -> {
                if (section instanceof CustomSection custom) {
                    module.addCustomSection(custom.name(), custom);
                } else if (section instanceof TypeSection s) {
                    module.setTypeSection(s);
                } else if (section instanceof ImportSection s) {
                    module.setImportSection(s);
                } else if (section instanceof FunctionSection s) {
                    module.setFunctionSection(s);
                    functions[0] = s.functionCount();
                } else if (section instanceof TableSection s) {
                    module.setTableSection(s);
                } else if (section instanceof MemorySection s) {
                    module.setMemorySection(s);
                } else if (section instanceof GlobalSection s) {
                    module.setGlobalSection(s);
                } else if (section instanceof ExportSection s) {
                    module.setExportSection(s);
                } else if (section instanceof StartSection s) {
                    module.setStartSection(s);
                } else if (section instanceof ElementSection s) {
                    module.setElementSection(s);
                } else if (section instanceof DataSection s) {
                    module.setDataSection(s);
                } else if (section instanceof DataCountSection s) {
                    module.setDataCountSection(s);
                } else if (section instanceof TagSection s) {
                    module.setTagSection(s);
                }
            });
            CodeSection.Builder code = CodeSection.builder();
            FunctionBody empty = new FunctionBody(List.of(), List.of());
            for (int i = 0; i < functions[0]; i++) {
                code.addFunctionBody(empty);
            }
            return module.setCodeSection(code.build()).build();
        } catch (RuntimeException e) {
            // Bytes that this build parsed and validated before: failing now means the entry is not what it says.
            throw new ModuleLoadException(name + ": malformed module: " + e.getMessage(), e);
        }
    }

    /** Parses and validates; a file that is not wasm at all gets its own message. */
    static WasmModule parse(String name, byte[] bytes) throws ModuleLoadException {
        checkHeader(name, bytes);
        return parse(name, bytes, true);
    }

    private static void checkHeader(String name, byte[] bytes) throws ModuleLoadException {
        if (bytes.length < 8
                || bytes[0] != WASM_MAGIC[0]
                || bytes[1] != WASM_MAGIC[1]
                || bytes[2] != WASM_MAGIC[2]
                || bytes[3] != WASM_MAGIC[3]) {
            throw new ModuleLoadException(name + ": not a WebAssembly module (no \\0asm header)");
        }
        if (bytes[4] != 1 || bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0) {
            throw new ModuleLoadException(name + ": unsupported WebAssembly binary version " + (bytes[4] & 0xff)
                    + " (only version 1 modules run here; components do not)");
        }
    }

    private static WasmModule parse(String name, byte[] bytes, boolean validate) throws ModuleLoadException {
        String oversized = ModuleCounts.check(bytes);
        if (oversized != null) {
            throw new ModuleLoadException(name + ": malformed module: " + oversized);
        }
        try {
            return Parser.builder().withValidation(validate).build().parse(() -> new ByteArrayInputStream(bytes));
        } catch (ChicoryException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
            throw new ModuleLoadException(name + ": malformed module: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // The parser reads untrusted bytes and fails on some malformed function bodies with other exceptions
            // (a NullPointerException in its control-flow checks, found by ModuleLoadFuzzTest).
            throw new ModuleLoadException(
                    name + ": malformed module: the parser failed on it ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
    }

    /** The exported functions and their types; an export of a function the module lacks makes it malformed. */
    static Map<String, FunctionType> exportedFunctions(String name, WasmModule module) throws ModuleLoadException {
        Map<String, FunctionType> out = new LinkedHashMap<>();
        int imported = module.importSection().count(ExternalType.FUNCTION);
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export e = module.exportSection().getExport(i);
            if (e.exportType() == ExternalType.FUNCTION) {
                FunctionType type = functionType(module, e.index(), imported);
                if (type == null) { // the parser does not check export indices (found by ModuleLoadFuzzTest)
                    throw new ModuleLoadException(name + ": malformed module: export " + i + " names function "
                            + Integer.toUnsignedString(e.index()) + ", which the module does not have");
                }
                out.put(e.name(), type);
            }
        }
        return out;
    }

    /** The type of function {@code index}, or null if there is no such function or type. */
    private static FunctionType functionType(WasmModule module, int index, int imported) {
        int typeIndex = -1;
        if (index >= 0 && index < imported) {
            int seen = 0;
            for (int i = 0; i < module.importSection().importCount(); i++) {
                Import imp = module.importSection().getImport(i);
                if (imp instanceof FunctionImport && seen++ == index) {
                    typeIndex = ((FunctionImport) imp).typeIndex();
                    break;
                }
            }
        } else if (index >= imported
                && index - imported < module.functionSection().functionCount()) {
            typeIndex = module.functionSection().getFunctionType(index - imported);
        }
        return typeIndex >= 0 && typeIndex < module.typeSection().typeCount()
                ? module.typeSection().getType(typeIndex)
                : null;
    }

    private static AbiVersion abiVersion(String name, Map<String, FunctionType> exports) throws ModuleLoadException {
        for (String export : exports.keySet()) {
            Optional<AbiVersion> v = AbiVersion.ofMarker(export);
            if (v.isPresent()) {
                return v.get();
            }
        }
        List<String> proxyExports = exports.keySet().stream()
                .filter(e -> e.startsWith("proxy_"))
                .sorted()
                .collect(Collectors.toList());
        throw new ModuleLoadException(name + ": missing or unknown proxy-wasm ABI version: no export "
                + "proxy_abi_version_0_1_0, _0_2_0 or _0_2_1 (proxy_* exports found: "
                + (proxyExports.isEmpty() ? "none" : String.join(", ", proxyExports)) + ")");
    }

    private static void checkImports(String name, WasmModule module) throws ModuleLoadException {
        List<String> unknown = unknownImports(module);
        if (!unknown.isEmpty()) {
            throw new ModuleLoadException(name + ": imports this host does not provide: " + String.join(", ", unknown));
        }
    }

    /** The module's function imports as {@link HostFunctions#key}s: the host functions each VM binds. */
    private static Set<String> functionImports(WasmModule module) {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (imp instanceof FunctionImport) {
                keys.add(HostFunctions.key(imp.module(), imp.name()));
            }
        }
        return Set.copyOf(keys);
    }

    /** Imports that no host function answers, as module.name; memories, tables and globals are never provided. */
    static List<String> unknownImports(WasmModule module) {
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (!(imp instanceof FunctionImport) || !HostFunctions.provides(imp.module(), imp.name())) {
                unknown.add(imp.module() + "." + imp.name()
                        + (imp instanceof FunctionImport
                                ? ""
                                : " (" + imp.importType().name().toLowerCase() + ")"));
            }
        }
        return unknown;
    }

    public String name() {
        return name;
    }

    public AbiVersion abiVersion() {
        return abiVersion;
    }

    public Engine engine() {
        return engine;
    }

    public int sizeBytes() {
        return sizeBytes;
    }

    /**
     * A new Chicory instance of this module for one VM, not started (the VM runs the start-up itself): the host
     * functions linked, the compiled code's machine, and a linear memory of at most {@code memoryLimitPages} whose
     * pages are reserved from {@code budget}.
     *
     * @throws WasmFailureException if the module needs more memory at start than the limit
     */
    public Instance instantiate(List<ImportFunction> hostFunctions, int memoryLimitPages, GuestMemoryBudget budget) {
        Instance.Builder builder = Instance.builder(module)
                .withImportValues(
                        ImportValues.builder().withFunctions(hostFunctions).build())
                .withStart(false)
                // Byte arrays rather than the default ByteBuffer memory: bulk reads (every header name and value a
                // filter passes) copy whole pages; each page is reserved from the process's guest budget first.
                .withMemoryFactory(limits -> new BudgetedMemory(limits, budget));
        module.memorySection().filter(s -> s.memoryCount() > 0).ifPresent(s -> {
            MemoryLimits declared = s.getMemory(0).limits();
            int max = Math.min(declared.maximumPages(), memoryLimitPages);
            if (declared.initialPages() > max) {
                throw new WasmFailureException(new WasmFailure(
                        WasmFailure.Kind.INSTANTIATION,
                        "instantiate",
                        "module needs " + declared.initialPages() + " memory pages at start but the limit is " + max,
                        List.of()));
            }
            builder.withMemoryLimits(new MemoryLimits(declared.initialPages(), max));
        });
        if (machineFactory != null) {
            builder.withMachineFactory(machineFactory);
        }
        return builder.build();
    }

    /** The instructions of function bodies this load holds: none when its compiled code came from the cache. */
    long bodyInstructions() {
        long n = 0;
        for (FunctionBody body : module.codeSection().functionBodies()) {
            n += body.instructions().size();
        }
        return n;
    }

    /** Whether the compiled code came from the {@link CodeCache} instead of the compiler. */
    public boolean codeFromCache() {
        return codeFromCache;
    }

    /** The module's function imports as module and name joined by NUL: the host functions each VM binds. */
    public Set<String> functionImports() {
        return functionImports;
    }

    /** The export the host allocates guest memory with. */
    public String allocator() {
        return allocator;
    }

    public boolean exportsFunction(String export) {
        return exportedFunctions.containsKey(export);
    }

    /** The type of an exported function, or empty if the module exports no function of that name. */
    public Optional<FunctionType> exportType(String export) {
        return Optional.ofNullable(exportedFunctions.get(export));
    }

    public List<String> exportedFunctionNames() {
        return Collections.unmodifiableList(new ArrayList<>(exportedFunctions.keySet()));
    }

    /** The name-section name of function {@code index}, or {@code func[index]}. */
    public String functionName(int index) {
        String n = names == null ? null : names.nameOfFunction(index);
        return n == null ? "func[" + index + "]" : n;
    }
}
