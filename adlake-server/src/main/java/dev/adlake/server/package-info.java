/** The HTTP API and dashboard over the serving store. */
package dev.adlake.server;
