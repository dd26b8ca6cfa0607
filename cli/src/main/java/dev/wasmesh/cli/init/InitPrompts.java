package dev.wasmesh.cli.init;

import dev.wasmesh.cli.CliException;
import dev.wasmesh.cli.ExitCode;
import dev.wasmesh.cli.project.Language;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.consoleui.prompt.ConsolePrompt;
import org.jline.consoleui.prompt.PromptResultItemIF;
import org.jline.consoleui.prompt.builder.ListPromptBuilder;
import org.jline.consoleui.prompt.builder.PromptBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;

/**
 * Asks on the terminal for whatever {@code wasmesh init} was not told on the command line. Ctrl-C
 * raises SIGINT as usual, so the JVM ends with status 130 before anything is written.
 */
final class InitPrompts {
    static final String LANGUAGE_QUESTION = "What language do you wish to use for the filter";

    private InitPrompts() {}

    /** Each argument is the value given on the command line, or null to ask for it. */
    static ProjectSettings ask(Language language, String name, String rootId, String defaultName) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            Session session = new Session(new ConsolePrompt(terminal));
            Language chosenLanguage = language != null ? language : session.askLanguage();
            String chosenName = name != null ? name : session.askText("Project name", defaultName);
            ProjectSettings.checkName(chosenName);
            // Asked after the name so that its default follows the name just typed.
            String chosenRootId = rootId != null ? rootId : session.askText("Root id", chosenName);
            return new ProjectSettings(chosenLanguage, chosenName, chosenRootId);
        } catch (IOException e) {
            throw new CliException(ExitCode.IO_ERROR, "cannot use the terminal: " + e.getMessage(), e);
        }
    }

    /** One prompt per question; the answers so far stay on screen above the current question. */
    private static final class Session {
        private final ConsolePrompt prompt;
        private final List<AttributedString> answered = new ArrayList<>();

        Session(ConsolePrompt prompt) {
            this.prompt = prompt;
        }

        Language askLanguage() throws IOException {
            PromptBuilder builder = prompt.getPromptBuilder();
            ListPromptBuilder list = builder.createListPrompt().name("language").message(LANGUAGE_QUESTION);
            for (Language choice : Language.values()) {
                list.newItem(choice.id())
                        .text(choice.id() + "  (" + choice.description() + ")")
                        .add();
            }
            list.addPrompt();
            String id = answer(prompt.prompt(answered, builder.build()), "language");
            remember(LANGUAGE_QUESTION, id);
            return Language.byId(id)
                    .orElseThrow(() -> new CliException(ExitCode.USAGE, "unknown language '" + id + "'"));
        }

        String askText(String question, String defaultValue) throws IOException {
            PromptBuilder builder = prompt.getPromptBuilder();
            builder.createInputPrompt()
                    .name("text")
                    .message(question)
                    .defaultValue(defaultValue)
                    .addPrompt();
            String value = answer(prompt.prompt(answered, builder.build()), "text");
            String chosen = value == null || value.isBlank() ? defaultValue : value.trim();
            remember(question, chosen);
            return chosen;
        }

        private void remember(String question, String answer) {
            answered.add(new AttributedString("? " + question + " " + answer));
        }
    }

    /** An empty result means the user backed out of the prompt (Esc), which counts as an interrupt. */
    private static String answer(Map<String, PromptResultItemIF> answers, String key) {
        PromptResultItemIF item = answers.get(key);
        if (item == null) {
            throw new CliException(ExitCode.INTERRUPTED, "cancelled");
        }
        return item.getResult();
    }
}
