package org.cbd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ComputeDeviceTest {

    @AfterEach
    void backToTheDefault() {
        ComputeDevice.use((Device) null);
    }

    @Test
    void autoTakesTheFirstGpuWhenThereIsOneAndTheCpuOtherwise() {
        assertEquals(Device.cpu(), ComputeDevice.parse("auto", 0));
        assertEquals(Device.gpu(0), ComputeDevice.parse("auto", 2));
        assertEquals(Device.cpu(), ComputeDevice.parse("cpu", 2));
        assertEquals(Device.gpu(0), ComputeDevice.parse("gpu", 1));
        assertEquals(Device.gpu(1), ComputeDevice.parse("GPU:1", 2));
    }

    @Test
    void aGpuThatIsNotThereIsRefusedWithWhatThereIs() {
        String none = assertThrows(IllegalArgumentException.class, () -> ComputeDevice.parse("gpu", 0)).getMessage();
        assertTrue(none.contains("sees no GPU") && none.contains("--device cpu"), none);
        String tooHigh = assertThrows(IllegalArgumentException.class, () -> ComputeDevice.parse("gpu:2", 2)).getMessage();
        assertTrue(tooHigh.contains("sees 2 GPU(s), numbered 0 to 1"), tooHigh);
        for (String bad : new String[] {"gpu:", "gpu:x", "gpu:-1", "cuda", "", "cpu:0"}) {
            assertThrows(IllegalArgumentException.class, () -> ComputeDevice.parse(bad, 4), bad);
        }
    }

    @Test
    void networksAreMadeOnTheChosenDeviceAndReadTheLossEveryBatchOnACpu() {
        assertEquals(Device.cpu(), ComputeDevice.use("auto"), "this machine has no GPU");
        try (Network n = Network.create("m", "tiny-cnn", 3, 1, 8, 8)) {
            assertEquals(Device.cpu(), n.manager().getDevice());
            n.block().getParameters().forEach(p -> assertEquals(Device.cpu(), p.getValue().getArray().getDevice()));
        }
        assertEquals(1, ComputeDevice.lossReadInterval());
        ComputeDevice.use(Device.gpu(0)); // not real here: only the interval is asked
        assertEquals(ComputeDevice.GPU_READ_EVERY, ComputeDevice.lossReadInterval());
    }
}
