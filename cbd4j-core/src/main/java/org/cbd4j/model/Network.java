package org.cbd4j.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * An initialised model of a named architecture for a fixed input shape: a DJL {@link Model} (which
 * owns the parameters' manager and saves them) plus the forward pass that returns
 * (logits, embedding).
 */
public final class Network implements AutoCloseable {

    private final String architecture;
    private final Model model;
    private final ClassifierBlock block;
    private final Shape inputShape;
    private final ParameterStore parameterStore;

    private Network(String architecture, Model model, ClassifierBlock block, Shape inputShape) {
        this.architecture = architecture;
        this.model = model;
        this.block = block;
        this.inputShape = inputShape;
        this.parameterStore = new ParameterStore(model.getNDManager(), false);
    }

    /**
     * Creates and initialises a network; parameters are drawn from the engine's RNG, so seed it
     * first ({@code Engine.getInstance().setRandomSeed}).
     */
    public static Network create(String name, String architecture, int numClasses, int c, int h, int w) {
        ClassifierBlock block = Models.create(architecture, numClasses);
        Model model = Model.newInstance(name, ComputeDevice.current());
        model.setBlock(block);
        Shape shape = new Shape(1, c, h, w);
        block.initialize(model.getNDManager(), DataType.FLOAT32, shape);
        return new Network(architecture, model, block, shape);
    }

    /** Creates a network for the class count and image shape of {@code data}. */
    public static Network forData(String name, String architecture, org.cbd4j.data.ImageDataset data) {
        return create(name, architecture, data.numClasses(), data.channels(), data.height(), data.width());
    }

    /** Loads parameters saved by {@link #save} into a fresh network of the same architecture. */
    public static Network load(Path dir, String name, String architecture, int numClasses, int c, int h, int w)
            throws IOException {
        Network n = create(name, architecture, numClasses, c, h, w);
        try {
            n.model.load(dir, name);
        } catch (MalformedModelException e) {
            n.close();
            throw new IOException(dir.resolve(name) + ": not a " + architecture + " model for " + numClasses
                    + " classes and " + c + "x" + h + "x" + w + " input (" + e.getMessage() + ")", e);
        }
        return n;
    }

    /** Forward pass returning {@code (logits, embedding)}; records a graph only inside a collector. */
    public NDList forward(NDList input, boolean training) {
        return block.forward(parameterStore, input, training);
    }

    /**
     * Forward pass that also returns each stage's feature map,
     * {@code (logits, embedding, stage 1, ..., stage K)} (see {@link ClassifierBlock#forwardStages}).
     */
    public NDList forwardStages(NDList input, boolean training) {
        return block.forwardStages(parameterStore, input, training);
    }

    /**
     * Saves parameters in DJL's format as {@code dir/name-0000.params} with {@code properties}
     * (the provenance) stored inside the file, so the model file alone tells its history.
     */
    public void save(Path dir, Map<String, String> properties) throws IOException {
        Files.createDirectories(dir);
        properties.forEach(model::setProperty);
        model.save(dir, model.getName());
    }

    /**
     * Every parameter (BatchNorm running statistics included) as safetensors, keyed by DJL's
     * parameter name ({@code block.getParameters()}), little-endian float32 as the format has it;
     * DJL's {@code NDList.encode(SAFETENSORS)} writes it and {@code NDList.decode} reads it back.
     */
    public byte[] safetensors() {
        try (NDManager scope = manager().newSubManager()) {
            NDList list = new NDList();
            for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
                NDArray a = p.getValue().getArray().duplicate();
                a.attach(scope);
                a.setName(p.getKey());
                list.add(a);
            }
            return list.encode(NDList.Encoding.SAFETENSORS);
        }
    }

    public String name() {
        return model.getName();
    }

    public String architecture() {
        return architecture;
    }

    public ClassifierBlock block() {
        return block;
    }

    public Shape inputShape() {
        return inputShape;
    }

    /** The manager that owns the parameters; per-batch managers are its sub-managers. */
    public NDManager manager() {
        return model.getNDManager();
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        return block.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    @Override
    public void close() {
        model.close();
    }
}
