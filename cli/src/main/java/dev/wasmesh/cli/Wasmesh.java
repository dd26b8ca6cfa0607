package dev.wasmesh.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.cli.build.BuildCommand;
import dev.wasmesh.cli.init.InitCommand;
import dev.wasmesh.deploy.cli.DeployCommand;
import dev.wasmesh.deploy.cli.LoginCommand;
import dev.wasmesh.deploy.cli.LogoutCommand;
import dev.wasmesh.deploy.cli.PullCommand;
import dev.wasmesh.deploy.cli.PushCommand;
import dev.wasmesh.deploy.cli.UndeployCommand;
import dev.wasmesh.proxy.cli.EchoCommand;
import dev.wasmesh.proxy.cli.RunCommand;
import dev.wasmesh.proxy.config.ModuleSources;
import dev.wasmesh.testing.cli.OutputOptions;
import dev.wasmesh.testing.cli.TestCommand;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The {@code wasmesh} command: parses arguments, runs the chosen subcommand and turns failures into exit codes. */
@Command(
        name = "wasmesh",
        mixinStandardHelpOptions = true,
        description = "Build, inspect, test and run proxy-wasm filters (WebAssembly HTTP filters for Envoy and Istio).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  wasmesh init my-filter --language assemblyscript --yes",
            "  wasmesh build my-filter",
            "  wasmesh build my-filter --output json",
            "  wasmesh inspect my-filter/filter.wasm",
            "  wasmesh test -C my-filter",
            "  wasmesh run my-filter/filter.wasm",
            "  wasmesh push my-filter/filter.wasm localhost:5000/my-filter:v1 --plain-http",
            "  wasmesh run oci://localhost:5000/my-filter:v1",
            "  wasmesh deploy istio my-filter/filter.wasm --namespace default --selector app=productpage --dry-run",
            "  wasmesh cache clear",
            "  wasmesh help build",
        })
public final class Wasmesh implements Runnable {
    /** One line per subcommand, in the order the usage lists them: its class is all picocli needs. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
            InitCommand.class,
            BuildCommand.class,
            InspectCommand.class,
            TestCommand.class,
            RunCommand.class,
            EchoCommand.class,
            PushCommand.class,
            PullCommand.class,
            LoginCommand.class,
            LogoutCommand.class,
            DeployCommand.class,
            UndeployCommand.class,
            CacheCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class);

    /** Commands that need the whole tree (the root's usage, completion scripts), even when named first. */
    private static final Set<String> WHOLE_TREE = Set.of("help", "completion");

    @Spec
    private CommandSpec spec;

    /** Without a subcommand there is nothing to do: show the usage and exit as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code; see {@link ExitCode}. */
    public static int run(String... args) {
        return commandLine(args.length > 0 ? args[0] : null).execute(args);
    }

    /**
     * The command tree for a command line whose first argument is {@code first}. When that names a subcommand, only
     * that subcommand is built: picocli builds the model of every command it is given, instantiating each, which is
     * most of the CLI's own start-up and would delay {@code run}'s first response for commands it never runs.
     */
    static CommandLine commandLine(String first) {
        CommandLine commandLine = new CommandLine(new Wasmesh(), Wasmesh::create);
        Class<?> only = first == null || WHOLE_TREE.contains(first) ? null : subcommandNamed(first);
        for (Class<?> sub : SUBCOMMANDS) {
            if (only == null || sub == only) {
                commandLine.addSubcommand(sub);
            }
        }
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // --plugin-config @FILE is the option's own syntax (the file's bytes), not picocli's argument file.
        commandLine.setExpandAtFiles(false);
        commandLine.setUsageHelpAutoWidth(true);
        commandLine.setColorScheme(Help.defaultColorScheme(Style.ansi()));
        commandLine.setExecutionExceptionHandler(Wasmesh::handleFailure);
        applyToAll(commandLine, new VersionProvider(), ExitCode.descriptions());
        return commandLine;
    }

    /** The subcommand class whose name is {@code name}, or null. */
    private static Class<?> subcommandNamed(String name) {
        for (Class<?> sub : SUBCOMMANDS) {
            Command command = sub.getAnnotation(Command.class);
            if (command != null && command.name().equals(name)) {
                return sub;
            }
        }
        return null;
    }

    /** Builds commands; {@code run} also learns to load filters from OCI registries and URLs. */
    private static <K> K create(Class<K> type) throws Exception {
        if (type == RunCommand.class) {
            ModuleSources sources = new ModuleSources().register(new RemoteModuleSource());
            return type.cast(new RunCommand(sources, System.out, System.err));
        }
        return CommandLine.defaultFactory().create(type);
    }

    /** Every command, including those added later, answers --version alike and lists the same exit codes. */
    private static void applyToAll(CommandLine commandLine, VersionProvider version, Map<String, String> exitCodes) {
        CommandSpec command = commandLine.getCommandSpec();
        command.versionProvider(version);
        command.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes);
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            applyToAll(sub, version, exitCodes);
        }
    }

    private static int handleFailure(Exception failure, CommandLine command, ParseResult parseResult) {
        int exitCode;
        String message;
        if (failure instanceof CliException cli) {
            exitCode = cli.exitCode();
            message = cli.getMessage();
        } else {
            exitCode = ExitCode.IO_ERROR;
            message = "internal error: " + failure;
            failure.printStackTrace(command.getErr());
        }
        PrintWriter err = command.getErr();
        err.println(Style.render("@|red,bold error:|@ ") + message);
        err.flush();
        if (wantsJson(command)) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("error", message);
            json.put("exitCode", exitCode);
            command.getOut().println(json(json));
            command.getOut().flush();
        }
        return exitCode;
    }

    private static boolean wantsJson(CommandLine command) {
        CommandSpec mixin = command.getCommandSpec().mixins().get(OutputOptions.MIXIN_NAME);
        return mixin != null && mixin.userObject() instanceof OutputOptions output && output.json();
    }

    private static String json(Object value) {
        try {
            return JsonOutput.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Set up on the first --output json only: the data-binding mapper is slow to set up, and `run` never needs it. */
    private static final class JsonOutput {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
