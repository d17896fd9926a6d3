/**
 * How attacks and defenses declare themselves: {@link org.cbd4j.method.Option} (name, type,
 * default, accepted values, help), {@link org.cbd4j.method.Method} (name, summary, paper, options,
 * factory) and {@link org.cbd4j.method.Registry}. Everything that lists, configures or records a
 * method reads these declarations.
 */
package org.cbd4j.method;
