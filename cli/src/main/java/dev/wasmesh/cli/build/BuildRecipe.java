package dev.wasmesh.cli.build;

import dev.wasmesh.cli.project.Language;
import java.nio.file.Path;
import java.util.List;

/** How one project builds: what it needs installed, the commands to run, and where the module lands. */
record BuildRecipe(Language language, List<Requirement> requirements, List<BuildStep> steps, Path artifact) {}
