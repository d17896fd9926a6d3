/**
 * The {@code cbd} command (picocli), a thin layer over {@link org.cbd4j.pipeline}: {@code
 * quickstart}, {@code train}, {@code poison}, {@code eval}, {@code bench}, {@code bench-speed} and
 * {@code list}. The options of {@code train} and {@code poison} are generated from the option
 * declarations ({@link org.cbd4j.cli.OptionFlags}).
 */
package org.cbd4j.cli;
