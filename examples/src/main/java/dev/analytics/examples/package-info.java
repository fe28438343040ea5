/** Runnable examples. */
package dev.analytics.examples;
