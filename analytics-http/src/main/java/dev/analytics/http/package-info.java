/** The resilient, batching HTTP sink. */
package dev.analytics.http;
