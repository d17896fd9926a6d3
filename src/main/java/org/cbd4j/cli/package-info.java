/**
 * The {@code cbd} command (picocli): {@code train}, {@code eval}, {@code quickstart} and
 * {@code bench-speed}, plus {@link org.cbd4j.cli.Experiment}, which runs one configured pipeline
 * data → attack → defense → evaluation → run directory.
 */
package org.cbd4j.cli;
