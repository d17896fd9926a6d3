/**
 * The experiment pipeline as a library: {@link org.cbd4j.pipeline.ExperimentConfig} (data, attack,
 * defense, training; built with {@code opt*} setters over declared defaults),
 * {@link org.cbd4j.pipeline.Experiment} (load, poison, defend, evaluate every epoch, write the run
 * directory), {@link org.cbd4j.pipeline.ExperimentResult} and
 * {@link org.cbd4j.pipeline.ExperimentListener}.
 */
package org.cbd4j.pipeline;
