package org.cbd4j.pipeline;

import java.util.List;
import org.cbd4j.defense.Defense;
import org.cbd4j.defense.Defenses;
import org.cbd4j.method.Option;
import org.cbd4j.method.OptionValues;

/**
 * Which defense trains the final model, with its own options (declared in the defense's class).
 *
 * @param name registered defense name
 * @param options the defense's own options
 */
public record DefenseSetup(String name, OptionValues options) {

    static final Option<String> NAME = Option.text("defense", "cbd", "defense: " + String.join(", ", Defenses.NAMES));

    /** The shared defense settings (only its name). */
    public static final List<Option<?>> OPTIONS = List.of(NAME);

    /** The defense, made from its registered declaration. */
    public Defense create() {
        return Defenses.method(name).create(options);
    }
}
