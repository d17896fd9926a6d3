package org.cbd4j.model;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * DJL's hook for rebuilding a cbd4j network: named as {@code blockFactory} in the
 * {@code serving.properties} cbd4j writes next to its saved models, so that DJL's
 * {@code Criteria.builder().optModelPath(dir)...loadModel()} creates the architecture recorded
 * there ({@code cbd4j.architecture}, classes and input shape) and then loads the
 * {@code .params} file into it. The block is initialised for the recorded input shape first,
 * exactly as {@link Network#load} does.
 */
public final class Cbd4jBlockFactory implements BlockFactory {

    private static final long serialVersionUID = 1L;

    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
        int classes = Integer.parseInt(String.valueOf(arguments.get(ServingSpec.PREFIX + "classes")).trim());
        ServingSpec spec = ServingSpec.fromArguments(arguments, java.util.Collections.nCopies(classes, ""));
        ClassifierBlock block = Models.create(spec.architecture(), spec.numClasses());
        block.initialize(model.getNDManager(), DataType.FLOAT32, spec.inputShape());
        return block;
    }
}
