/**
 * The experiment pipeline as a library: {@link org.cbd4j.pipeline.ExperimentConfig} (data, attack,
 * defense, training; built with {@code opt*} setters over declared defaults),
 * {@link org.cbd4j.pipeline.Experiment} (load, poison, defend, evaluate every epoch, write the run
 * directory), {@link org.cbd4j.pipeline.ExperimentResult} and
 * {@link org.cbd4j.pipeline.ExperimentListener}. For a clean dataset instead of a model:
 * {@link org.cbd4j.pipeline.Audit} ({@code cbd audit}) with {@link org.cbd4j.pipeline.AuditConfig}
 * and {@link org.cbd4j.pipeline.AuditResult}, and {@link org.cbd4j.pipeline.CbdScorer}, which scores
 * images with a finished run's f_B and f_C.
 */
package org.cbd4j.pipeline;
