package org.cbd4j.model;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbd4j.data.ImageDecoder;

/**
 * DJL translators for cbd4j models, passed as {@code Criteria.builder().optTranslatorFactory(new
 * Cbd4jTranslatorFactory())} (DJL 0.36 honours a {@code translatorFactory} key of
 * {@code serving.properties} only for {@code Input}/{@code Output}): {@code Path -> Classifications} decodes an image file (PNG, JPEG, BMP, PPM/PGM) with cbd4j's own
 * decoder, brings it to the model's input exactly as training did ({@link ServingSpec#pixels},
 * uint8 scaled to [0, 1]) and returns the softmax of the logits under the class names of
 * {@code synset.txt}. Without it, {@code NDList -> NDList} gives the network's raw outputs
 * (logits and embedding) through DJL's default translator.
 */
public final class Cbd4jTranslatorFactory implements TranslatorFactory {

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return Set.of(new Pair<>(Path.class, Classifications.class));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
            throws TranslateException {
        if (input != Path.class || output != Classifications.class) {
            throw new IllegalArgumentException("cbd4j translates Path to Classifications, not " + input + " to " + output);
        }
        try {
            return (Translator<I, O>) new ImageTranslator(
                    ServingSpec.fromArguments(arguments, ServingSpec.readSynset(model.getModelPath())));
        } catch (IOException e) {
            throw new TranslateException(e.getMessage(), e);
        }
    }

    /** Image file in, class probabilities out. */
    static final class ImageTranslator implements Translator<Path, Classifications> {

        private final ServingSpec spec;

        ImageTranslator(ServingSpec spec) {
            this.spec = spec;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, Path file) throws IOException {
            byte[] px = spec.pixels(file, ImageDecoder.decode(file, Files.readAllBytes(file)));
            return new NDList(spec.tensor(ctx.getNDManager(), px, -1));
        }

        @Override
        public Classifications processOutput(TranslatorContext ctx, NDList list) {
            NDArray probs = list.get(0).softmax(-1);
            List<Double> p = new ArrayList<>();
            for (float v : probs.toFloatArray()) {
                p.add((double) v);
            }
            return new Classifications(spec.classNames(), p);
        }

        @Override
        public Batchifier getBatchifier() {
            return Batchifier.STACK;
        }
    }
}
