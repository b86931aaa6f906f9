/* tests/fuzz/fuzz_load.c — libFuzzer target: decode + validate (wasm_module_load) of any bytes.
 * Must never crash, leak or hang; a failed load must leave an error message naming the offset. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a private copy, so that reads past the end are caught exactly */
    uint8_t *bytes = malloc(size ? size : 1);
    if (!bytes)
        return 0;
    memcpy(bytes, data, size);
    wasm_module *m = NULL;
    struct wasm_error err;
    memset(&err, 0, sizeof(err));
    int rc = wasm_module_load(bytes, size, NULL, &m, &err);
    if (rc == WASM_OK) {
        wasm_module_free(m);
    } else if (rc == WASM_ERR_MALFORMED || rc == WASM_ERR_INVALID) {
        if (strncmp(err.message, "offset 0x", 9) != 0 || !memchr(err.message, 0, sizeof(err.message)))
            abort();    /* load errors must name the byte offset */
    }
    free(bytes);
    return 0;
}
