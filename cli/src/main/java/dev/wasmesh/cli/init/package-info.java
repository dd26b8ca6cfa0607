/**
 * {@code wasmesh init}: a new filter project for one language, from the templates under {@code templates/} in the
 * jar ({@code Template}), with what the command line left out asked for on the terminal ({@code InitPrompts}). The
 * project is written whole or not at all ({@code ProjectWriter}) and carries a {@code ProjectMarker}, so that
 * {@code wasmesh build} need not guess its language.
 */
package dev.wasmesh.cli.init;
