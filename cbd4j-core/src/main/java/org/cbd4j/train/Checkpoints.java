package org.cbd4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.cbd4j.data.Directories;

/**
 * Per-epoch checkpoints of a run. Each checkpoint is a directory {@code checkpoints/NNNNNN/} of
 * part files written and fsynced first; only then does {@code checkpoints/latest.json} (itself
 * replaced by an atomic rename) point at it. A crash at any moment leaves the previous checkpoint
 * intact and referenced. Older checkpoint directories are removed after the pointer moves.
 */
public final class Checkpoints {

    /** Writes one part of a checkpoint. */
    public interface Part {
        void write(DataOutputStream out) throws IOException;
    }

    /** A stored checkpoint: where it is and what it says. */
    public record Checkpoint(Path dir, String stage, int epochsDone, int metricRows) {

        /** Opens one part for reading. */
        /** Whether the checkpoint holds {@code part}. */
        public boolean has(String part) {
            return Files.isRegularFile(dir.resolve(part + ".bin"));
        }

        public DataInputStream open(String part) throws IOException {
            Path p = dir.resolve(part + ".bin");
            if (!Files.isRegularFile(p)) {
                throw new IOException("checkpoint " + dir + " has no part " + part);
            }
            return new DataInputStream(new BufferedInputStream(Files.newInputStream(p), 1 << 16));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private int sequence;

    /** Checkpoints under {@code runDir/checkpoints}. */
    public Checkpoints(Path runDir) {
        this.root = runDir.resolve("checkpoints");
    }

    /** The checkpoint {@code latest.json} points at, if any. */
    public Optional<Checkpoint> latest() throws IOException {
        Path pointer = root.resolve("latest.json");
        if (!Files.isRegularFile(pointer)) {
            return Optional.empty();
        }
        JsonNode n = JSON.readTree(pointer.toFile());
        Path dir = root.resolve(n.get("dir").asText());
        sequence = n.get("sequence").asInt();
        return Optional.of(new Checkpoint(dir, n.get("stage").asText(), n.get("epochs_done").asInt(),
                n.get("metric_rows").asInt()));
    }

    /**
     * Saves a checkpoint taken after {@code epochsDone} epochs of {@code stage}.
     *
     * @param metricRows data rows of metrics.csv that belong to the checkpointed state
     */
    public void save(String stage, int epochsDone, int metricRows, Map<String, Part> parts) throws IOException {
        sequence++;
        String name = String.format("%06d", sequence);
        Path dir = root.resolve(name);
        try {
            writeParts(dir, stage, epochsDone, parts);
            Map<String, Object> pointer = new LinkedHashMap<>();
            pointer.put("dir", name);
            pointer.put("sequence", sequence);
            pointer.put("stage", stage);
            pointer.put("epochs_done", epochsDone);
            pointer.put("metric_rows", metricRows);
            writeSynced(root.resolve(".latest.json.tmp"), out -> out.write(JSON.writeValueAsBytes(pointer)));
            Files.move(root.resolve(".latest.json.tmp"), root.resolve("latest.json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // A full or failing disk: drop the half-written checkpoint; latest.json still names the previous one.
            sequence--;
            Directories.deleteTree(dir);
            Files.deleteIfExists(root.resolve(".latest.json.tmp"));
            throw e;
        }
        removeAllBut(name);
    }

    private static void writeParts(Path dir, String stage, int epochsDone, Map<String, Part> parts) throws IOException {
        Files.createDirectories(dir);
        boolean first = true;
        for (Map.Entry<String, Part> e : parts.entrySet()) {
            writeSynced(dir.resolve(e.getKey() + ".bin"), e.getValue());
            if (first) {
                CrashPoints.inCheckpointWrite(stage, epochsDone - 1);
                first = false;
            }
        }
    }

    /** Writes a file and forces it to disk; a failure names the file. */
    private static void writeSynced(Path file, Part part) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream os = Channels.newOutputStream(ch);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
            part.write(out);
            out.flush();
            ch.force(true);
        } catch (IOException e) {
            throw new IOException("cannot write checkpoint file " + file + ": " + e.getMessage(), e);
        }
    }

    private void removeAllBut(String keep) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(p) && !p.getFileName().toString().equals(keep)) {
                    Directories.deleteTree(p);
                }
            }
        }
    }

}
