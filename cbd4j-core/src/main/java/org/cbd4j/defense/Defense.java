package org.cbd4j.defense;

import java.io.IOException;

/** Trains a model from possibly poisoned data. Implementations never modify their inputs. */
public interface Defense {

    /** The name used on the command line. */
    String name();

    /** Runs the defense; the returned result owns its networks (close it). */
    DefenseResult apply(DefenseContext context) throws IOException;
}
