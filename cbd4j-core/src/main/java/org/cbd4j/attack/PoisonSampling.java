package org.cbd4j.attack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.cbd4j.data.ImageDataset;

/** Seeded choice of which samples to poison, shared by the poison-label attacks. */
public final class PoisonSampling {

    private PoisonSampling() {}

    /**
     * Picks round(rate * N) samples whose label would change under the attack: for all-to-one,
     * samples outside the target class (a target-class sample with the trigger would teach nothing);
     * for all-to-all, any sample. Returned ascending.
     */
    public static int[] choose(ImageDataset train, AttackConfig cfg) {
        int count = (int) Math.round(cfg.poisonRate() * train.size());
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            if (cfg.allToAll() || train.label(i) != cfg.target()) {
                candidates.add(i);
            }
        }
        if (count > candidates.size()) {
            throw new IllegalArgumentException("--poison-rate " + cfg.poisonRate() + " asks for " + count
                    + " poisoned samples but only " + candidates.size() + " are outside the target class");
        }
        Collections.shuffle(candidates, new Random(cfg.seed()));
        int[] chosen = candidates.subList(0, count).stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(chosen);
        return chosen;
    }
}
