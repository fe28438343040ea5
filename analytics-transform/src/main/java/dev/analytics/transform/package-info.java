/**
 * Jolt transform pipeline: the jolt-core dialect ({@code uses: jolt}) and Fluvio's {@code infinyon/jolt}
 * dialect (0.3.x, 0.4.x), with {@code ${{ secrets.NAME }}} rendered in memory when the pipeline is built.
 *
 * <p>{@link dev.analytics.transform.JoltPipeline} is the whole public surface; it is also registered as a
 * {@link dev.analytics.spi.TransformProvider} so that a connector file's {@code uses:} finds it.
 *
 * <p>The dialects differ as {@code fluvio-jolt.md} describes: in {@code infinyon/jolt} the operations are
 * only {@code shift}, {@code default} and {@code remove}; shift needs the explicit {@code &(n,m)},
 * {@code $(n,m)}, {@code @(n,path)} forms ({@code &1} is {@code &} followed by the text {@code 1}); the
 * 13 characters {@code @ $ # & [ ] | . , ( ) * \} are tokens to escape with a backslash on both sides;
 * star and pipe keys are tried in spec order; a missing {@code @(...)} key, a bad index or a key part
 * that is null, an object or an array fails the record; the output path of a {@code $}, {@code @} or
 * {@code #} key sees its object entered twice ({@code &(0)} and {@code &(1)} are both the key that led
 * there); {@code ""} is the root of the output; a scalar met where the spec has an object matches by its
 * text and is itself the value written; an index into a scalar keeps it as the first element; {@code default} treats a present {@code null} as
 * present and leaves a {@code null} input {@code null}; {@code default} and {@code remove} keys are
 * literal.
 */
package dev.analytics.transform;
