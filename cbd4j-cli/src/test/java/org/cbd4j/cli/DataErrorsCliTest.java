package org.cbd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cbd4j.data.CifarBinaryReader;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.report.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI on generated CIFAR-binary data, and on malformed data files. */
class DataErrorsCliTest {

    @TempDir
    Path tmp;

    private Path cifarDir() throws Exception {
        Path dir = tmp.resolve("cifar");
        Files.createDirectories(dir);
        CifarBinaryReader.write(SyntheticImages.generate(200, 3, 32, 32, 1), dir.resolve("data_batch_1.bin"));
        CifarBinaryReader.write(SyntheticImages.generate(40, 3, 32, 32, 2), dir.resolve("test_batch.bin"));
        return dir;
    }

    @Test
    void trainsOnCifarBinaryLayout() throws Exception {
        Path out = tmp.resolve("run");
        CliTest.Result r = CliTest.run("train", "--dataset", "cifar10", "--data", cifarDir().toString(), "--attack",
                "badnets", "--defense", "none", "--epochs", "1", "--model", "tiny-cnn", "--batch-size", "32", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode s = Json.read(out.resolve("summary.json"));
        assertEquals(20, s.get("poisoned").asInt());
        assertEquals("cifar10", s.get("data_source").get("dataset").asText());
        assertTrue(s.get("data_source").get("sha256").has("data_batch_1.bin"));
    }

    @Test
    void corruptDataFileIsOneLineNamingTheFileAndExitOne() throws Exception {
        Path dir = cifarDir();
        Files.write(dir.resolve("test_batch.bin"), new byte[100]);
        Path out = tmp.resolve("run");
        CliTest.Result r = CliTest.run("train", "--dataset", "cifar10", "--data", dir.toString(), "--defense", "none",
                "--epochs", "1", "--model", "tiny-cnn", "--out", out.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("test_batch.bin"), r.err());
        assertFalse(Files.exists(out), "nothing written when the data cannot be read");
    }

    @Test
    void wrongMagicInFashionMnistDirectoryIsReported() throws Exception {
        Path dir = tmp.resolve("fm");
        Files.createDirectories(dir);
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"}) {
            Files.write(dir.resolve(f), new byte[] {0, 0, 9, 9, 0, 0, 0, 0});
        }
        CliTest.Result r = CliTest.run("train", "--dataset", "fashion-mnist", "--data", dir.toString(), "--out",
                tmp.resolve("run").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("wrong magic") && r.err().contains("labels-idx1-ubyte"), r.err());
    }

    /** A folder of 4 classes of PNGs taken from generated images. */
    private Path folderDir() throws Exception {
        return SyntheticFolder.write(tmp.resolve("folder"), 60, 3, SyntheticImages.BAR_CONTRAST);
    }

    @Test
    void trainsOnAnImageFolderAndRecordsItsOptions() throws Exception {
        Path out = tmp.resolve("run-folder");
        CliTest.Result r = CliTest.run("train", "--dataset", "folder", "--data", folderDir().toString(), "--channels", "1",
                "--image-size", "12", "--attack", "badnets", "--defense", "none", "--epochs", "1", "--model", "tiny-cnn",
                "--batch-size", "16", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode s = Json.read(out.resolve("summary.json"));
        assertEquals(48, s.get("train_size").asInt(), "80 % of 60 images (15 per class) for training");
        assertTrue(Files.readString(out.resolve("run-config.yaml")).contains("image-size: 12"));
    }

    @Test
    void datasetsThatNeedADirectorySayHow() {
        for (String name : new String[] {"gtsrb", "folder", "mnist"}) {
            CliTest.Result r = CliTest.run("train", "--dataset", name, "--out", tmp.resolve("x-" + name).toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("--dataset " + name + " needs --data DIR"), r.err());
        }
        CliTest.Result r = CliTest.run("train", "--dataset", "folder", "--data", tmp.toString(), "--channels", "2",
                "--out", tmp.resolve("y").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--channels must be 1 or 3"), r.err());
    }
}
