/**
 * The {@code azure-openai} provider type: OpenAI models deployed on Azure, on the OpenAI-compatible base with
 * Azure's URL shapes (classic deployment paths with an API version, or the v1 paths), its {@code api-key} header or
 * an Entra ID bearer token, and its error details.
 */
package dev.switchboard.provider.azure;
