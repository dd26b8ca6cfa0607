/**
 * What {@code init} and {@code build} both know of a filter project: the languages wasmesh has templates and recipes
 * for ({@code Language}), the marker file {@code init} writes ({@code ProjectMarker}), and how {@code build} tells a
 * project's language from that marker or, without one, from its build files ({@code ProjectDetector}).
 */
package dev.wasmesh.cli.project;
