package org.cbd4j.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file is malformed: wrong magic, truncated, inconsistent counts or absurd sizes. */
public class DatasetFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception whose message starts with the offending file. */
    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
