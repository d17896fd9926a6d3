package org.cbd4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.cbd4j.data.DatasetFormatException;
import org.cbd4j.data.DecodedImage;
import org.cbd4j.train.Batches;

/**
 * What a saved model directory needs to be used without cbd4j's run files: the architecture, the
 * input shape, how images are brought to it, the class names and which network to load by
 * default. Written as DJL's {@code serving.properties} (read by {@code Criteria}, which hands every
 * key to {@link Cbd4jBlockFactory} and to the translator factory, {@link Cbd4jTranslatorFactory}
 * for images: DJL 0.36 reads a {@code translatorFactory} key only for its serving types, so it is
 * passed with {@code Criteria.Builder.optTranslatorFactory}) and {@code synset.txt} (one class name
 * per line, DJL's convention).
 *
 * @param architecture a {@link Models} name
 * @param resize whether any image size is resized to {@code height x width} (folder and GTSRB
 *     data were resized when training); otherwise an image must have exactly the input shape
 * @param defaultModel the network DJL loads when no model name is given
 */
public record ServingSpec(String architecture, int numClasses, int channels, int height, int width, boolean resize,
        List<String> classNames, String defaultModel) {

    public static final String PROPERTIES = "serving.properties";
    public static final String SYNSET = "synset.txt";
    static final String PREFIX = "cbd4j.";

    public ServingSpec {
        classNames = List.copyOf(classNames);
        if (classNames.size() != numClasses) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + numClasses + " classes");
        }
        if (channels != 1 && channels != 3 || height <= 0 || width <= 0 || resize && height != width) {
            throw new IllegalArgumentException("unsupported input shape " + channels + "x" + height + "x" + width);
        }
    }

    /** The {@code serving.properties} text. */
    public String properties() {
        return String.join("\n",
                "# Written by cbd4j: load this directory with DJL's Criteria (cbd4j-core on the classpath).",
                "engine=PyTorch",
                "blockFactory=" + Cbd4jBlockFactory.class.getName(),
                "option.modelName=" + defaultModel,
                PREFIX + "architecture=" + architecture,
                PREFIX + "classes=" + numClasses,
                PREFIX + "channels=" + channels,
                PREFIX + "height=" + height,
                PREFIX + "width=" + width,
                PREFIX + "resize=" + resize, "");
    }

    /** The {@code synset.txt} text: one class name per line. */
    public String synset() {
        StringBuilder sb = new StringBuilder();
        for (String n : classNames) {
            if (n.contains("\n") || n.contains("\r")) {
                throw new IllegalArgumentException("class name with a line break: " + n);
            }
            sb.append(n).append('\n');
        }
        return sb.toString();
    }

    /** Reads the spec of a model directory written by cbd4j. */
    public static ServingSpec read(Path dir) throws IOException {
        Path file = dir.resolve(PROPERTIES);
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + " has no " + PROPERTIES + " (not a model directory written by cbd4j)");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, Object> args = new java.util.HashMap<>();
        p.stringPropertyNames().forEach(k -> args.put(k.startsWith("option.") ? k.substring(7) : k, p.getProperty(k)));
        return fromArguments(args, readSynset(dir));
    }

    /** The spec from DJL's model arguments (the keys of {@code serving.properties}). */
    public static ServingSpec fromArguments(Map<String, ?> args, List<String> classNames) {
        int classes = intArg(args, "classes");
        return new ServingSpec(arg(args, "architecture"), classes, intArg(args, "channels"), intArg(args, "height"),
                intArg(args, "width"), Boolean.parseBoolean(arg(args, "resize")), classNames,
                args.get("modelName") == null ? "" : args.get("modelName").toString());
    }

    /** The class names in {@code dir/synset.txt}. */
    public static List<String> readSynset(Path dir) throws IOException {
        Path file = dir.resolve(SYNSET);
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + " has no " + SYNSET + " (the class names)");
        }
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private static String arg(Map<String, ?> args, String key) {
        Object v = args.get(PREFIX + key);
        if (v == null) {
            throw new IllegalArgumentException("model arguments lack " + PREFIX + key + " (serving.properties not written by cbd4j)");
        }
        return v.toString();
    }

    private static int intArg(Map<String, ?> args, String key) {
        try {
            return Integer.parseInt(arg(args, key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + key + " is not a number: " + args.get(PREFIX + key));
        }
    }

    /** The (1, C, H, W) input shape the block is initialised with. */
    public Shape inputShape() {
        return new Shape(1, channels, height, width);
    }

    /** Bytes of one image in the model's input layout. */
    public int imageSize() {
        return channels * height * width;
    }

    /**
     * {@code img} as the model's uint8 CHW input, exactly as training saw its images: resized
     * like the folder and GTSRB readers when {@link #resize}, else taken as it is when it has the
     * input shape and refused otherwise.
     */
    public byte[] pixels(Path file, DecodedImage img) throws DatasetFormatException {
        byte[] out = new byte[imageSize()];
        if (!resize && (img.width() != width || img.height() != height || img.channels() != channels)) {
            throw new DatasetFormatException(file, String.format(Locale.ROOT,
                    "image is %dx%d with %d channel(s); the model takes %dx%d with %d channel(s)",
                    img.width(), img.height(), img.channels(), width, height, channels));
        }
        if (resize) {
            img.resized(height, channels, out, 0);
            return out;
        }
        // HWC as stored to CHW planes, as the IDX, CIFAR and generated datasets hold their images.
        byte[] px = img.pixels();
        int plane = height * width;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < channels; c++) {
                out[c * plane + i] = px[i * channels + c];
            }
        }
        return out;
    }

    /** {@code n} images of {@link #pixels} concatenated, as the float tensor the network takes. */
    public NDArray tensor(NDManager m, byte[] pixels, int n) {
        ByteBuffer buf = ByteBuffer.allocateDirect(pixels.length);
        buf.put(pixels).flip();
        Shape shape = n < 0 ? new Shape(channels, height, width) : new Shape(n, channels, height, width);
        return Batches.fromUint8(m, buf, shape);
    }
}
