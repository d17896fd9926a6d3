package org.cbd4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/** One configured JSON mapper for every file cbd4j writes or reads. */
public final class Json {

    public static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).findAndRegisterModules();

    private Json() {}

    /** Writes {@code value} as pretty JSON, atomically. */
    public static void write(Path file, Object value) throws IOException {
        AtomicFiles.write(file, MAPPER.writeValueAsBytes(value));
    }

    /**
     * A copy of {@code value} with every non-finite number inside its maps and lists replaced by
     * null: JSON has no NaN, and a figure that does not apply is written as null.
     */
    public static Object finite(Object value) {
        if (value instanceof Double d) {
            return Double.isFinite(d) ? d : null;
        }
        if (value instanceof Float f) {
            return Float.isFinite(f) ? f : null;
        }
        if (value instanceof java.util.Map<?, ?> m) {
            java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, finite(v)));
            return out;
        }
        if (value instanceof java.util.List<?> l) {
            java.util.List<Object> out = new java.util.ArrayList<>();
            l.forEach(v -> out.add(finite(v)));
            return out;
        }
        return value;
    }

    /** Reads a JSON file into a tree, with a one-line error naming the file. */
    public static JsonNode read(Path file) throws IOException {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }

    /** Block-style YAML of a value (no document marker). */
    public static String yaml(Object value) throws IOException {
        return new ObjectMapper(com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
                .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .build()).writeValueAsString(value);
    }

    /** Compact single-line JSON (for model properties). */
    public static String compact(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
