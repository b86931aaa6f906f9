/* boot/efi.h — the few UEFI definitions the walos loader uses (UEFI 2.x specification).
 *
 * Why our own header rather than Debian's gnu-efi: the loader needs about a dozen protocols, the header
 * stays readable in one sitting, and it builds with clang's windows target alone (no gnu-efi ABI glue,
 * no extra package, no objcopy step from ELF to PE). Layouts and GUIDs are the specification's; a table
 * whose members the loader never calls keeps them as `void *` placeholders so offsets stay right.
 *
 * The loader is compiled with `-target x86_64-unknown-windows`, so every function pointer below uses the
 * Microsoft x64 calling convention that UEFI requires, with no annotation. Wire format only: no code. */
#ifndef BOOT_EFI_H
#define BOOT_EFI_H

#include <stdint.h>

typedef uint64_t EFI_STATUS;
typedef void *EFI_HANDLE;
typedef void *EFI_EVENT;
typedef uint16_t CHAR16;
typedef uint64_t UINTN;
typedef uint64_t EFI_PHYSICAL_ADDRESS;
typedef uint64_t EFI_VIRTUAL_ADDRESS;

typedef struct {
    uint32_t data1;
    uint16_t data2;
    uint16_t data3;
    uint8_t data4[8];
} EFI_GUID;

/* Status codes (Appendix D): errors have the top bit set. */
#define EFI_ERROR_BIT           0x8000000000000000ULL
#define EFI_SUCCESS             0ULL
#define EFI_LOAD_ERROR          (EFI_ERROR_BIT | 1)
#define EFI_INVALID_PARAMETER   (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED         (EFI_ERROR_BIT | 3)
#define EFI_BUFFER_TOO_SMALL    (EFI_ERROR_BIT | 5)
#define EFI_DEVICE_ERROR        (EFI_ERROR_BIT | 7)
#define EFI_OUT_OF_RESOURCES    (EFI_ERROR_BIT | 9)
#define EFI_NOT_FOUND           (EFI_ERROR_BIT | 14)
#define EFI_IS_ERROR(s)         (((s) & EFI_ERROR_BIT) != 0)

/* ---- tables ---------------------------------------------------------------------------------- */
typedef struct {
    uint64_t signature;
    uint32_t revision;
    uint32_t header_size;
    uint32_t crc32;
    uint32_t reserved;
} EFI_TABLE_HEADER;

typedef struct {
    EFI_GUID vendor_guid;
    void *vendor_table;
} EFI_CONFIGURATION_TABLE;

/* ---- simple text output (12.4) --------------------------------------------------------------- */
typedef struct EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL;
struct EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL {
    void *reset;
    EFI_STATUS (*output_string)(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *self, const CHAR16 *string);
    void *test_string;
    void *query_mode;
    void *set_mode;
    EFI_STATUS (*set_attribute)(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *self, UINTN attribute);
    void *clear_screen;
    void *set_cursor_position;
    void *enable_cursor;
    void *mode;
};
#define EFI_LIGHTGRAY 0x07
#define EFI_LIGHTRED  0x0c
#define EFI_WHITE     0x0f

/* ---- memory (7.2) ---------------------------------------------------------------------------- */
typedef enum {
    EFI_ALLOCATE_ANY_PAGES = 0,
    EFI_ALLOCATE_MAX_ADDRESS = 1,
    EFI_ALLOCATE_ADDRESS = 2,
} EFI_ALLOCATE_TYPE;

/* Memory types (7.2, Table "Memory Type Usage"). 0x80000000..0xffffffff belong to OS loaders. */
enum {
    EFI_RESERVED_MEMORY_TYPE = 0,
    EFI_LOADER_CODE = 1,
    EFI_LOADER_DATA = 2,
    EFI_BOOT_SERVICES_CODE = 3,
    EFI_BOOT_SERVICES_DATA = 4,
    EFI_RUNTIME_SERVICES_CODE = 5,
    EFI_RUNTIME_SERVICES_DATA = 6,
    EFI_CONVENTIONAL_MEMORY = 7,
    EFI_UNUSABLE_MEMORY = 8,
    EFI_ACPI_RECLAIM_MEMORY = 9,
    EFI_ACPI_MEMORY_NVS = 10,
    EFI_MEMORY_MAPPED_IO = 11,
    EFI_MEMORY_MAPPED_IO_PORT_SPACE = 12,
    EFI_PAL_CODE = 13,
    EFI_PERSISTENT_MEMORY = 14,
    EFI_UNACCEPTED_MEMORY = 15,
};

/* One memory-map entry; entries are `descriptor_size` bytes apart, which may exceed this struct. */
typedef struct {
    uint32_t type;
    uint32_t pad;
    EFI_PHYSICAL_ADDRESS physical_start;
    EFI_VIRTUAL_ADDRESS virtual_start;
    uint64_t number_of_pages;
    uint64_t attribute;
} EFI_MEMORY_DESCRIPTOR;

#define EFI_PAGE_SIZE 4096

/* ---- boot services (7) ----------------------------------------------------------------------- */
typedef struct {
    EFI_TABLE_HEADER hdr;
    void *raise_tpl;
    void *restore_tpl;
    EFI_STATUS (*allocate_pages)(EFI_ALLOCATE_TYPE type, uint32_t memory_type, UINTN pages,
                                 EFI_PHYSICAL_ADDRESS *memory);
    EFI_STATUS (*free_pages)(EFI_PHYSICAL_ADDRESS memory, UINTN pages);
    EFI_STATUS (*get_memory_map)(UINTN *memory_map_size, EFI_MEMORY_DESCRIPTOR *memory_map,
                                 UINTN *map_key, UINTN *descriptor_size, uint32_t *descriptor_version);
    EFI_STATUS (*allocate_pool)(uint32_t pool_type, UINTN size, void **buffer);
    EFI_STATUS (*free_pool)(void *buffer);
    void *create_event;
    void *set_timer;
    void *wait_for_event;
    void *signal_event;
    void *close_event;
    void *check_event;
    void *install_protocol_interface;
    void *reinstall_protocol_interface;
    void *uninstall_protocol_interface;
    EFI_STATUS (*handle_protocol)(EFI_HANDLE handle, const EFI_GUID *protocol, void **interface);
    void *reserved;
    void *register_protocol_notify;
    void *locate_handle;
    void *locate_device_path;
    void *install_configuration_table;
    void *load_image;
    void *start_image;
    void *exit;
    void *unload_image;
    EFI_STATUS (*exit_boot_services)(EFI_HANDLE image_handle, UINTN map_key);
    void *get_next_monotonic_count;
    EFI_STATUS (*stall)(UINTN microseconds);
    EFI_STATUS (*set_watchdog_timer)(UINTN timeout, uint64_t watchdog_code, UINTN data_size,
                                     const CHAR16 *watchdog_data);
    void *connect_controller;
    void *disconnect_controller;
    void *open_protocol;
    void *close_protocol;
    void *open_protocol_information;
    void *protocols_per_handle;
    void *locate_handle_buffer;
    EFI_STATUS (*locate_protocol)(const EFI_GUID *protocol, void *registration, void **interface);
    void *install_multiple_protocol_interfaces;
    void *uninstall_multiple_protocol_interfaces;
    void *calculate_crc32;
    void *copy_mem;
    void *set_mem;
    void *create_event_ex;
} EFI_BOOT_SERVICES;

/* ---- system table (4.3) ---------------------------------------------------------------------- */
typedef struct {
    EFI_TABLE_HEADER hdr;
    CHAR16 *firmware_vendor;
    uint32_t firmware_revision;
    EFI_HANDLE console_in_handle;
    void *con_in;
    EFI_HANDLE console_out_handle;
    EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *con_out;
    EFI_HANDLE standard_error_handle;
    EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *std_err;
    void *runtime_services;
    EFI_BOOT_SERVICES *boot_services;
    UINTN number_of_table_entries;
    EFI_CONFIGURATION_TABLE *configuration_table;
} EFI_SYSTEM_TABLE;

/* ---- loaded image (9.1) ---------------------------------------------------------------------- */
#define EFI_LOADED_IMAGE_PROTOCOL_GUID \
    {0x5b1b31a1, 0x9562, 0x11d2, {0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}
typedef struct {
    uint32_t revision;
    EFI_HANDLE parent_handle;
    EFI_SYSTEM_TABLE *system_table;
    EFI_HANDLE device_handle; /* the volume the image was loaded from */
    void *file_path;
    void *reserved;
    uint32_t load_options_size;
    void *load_options;
    void *image_base;
    uint64_t image_size;
    uint32_t image_code_type;
    uint32_t image_data_type;
    void *unload;
} EFI_LOADED_IMAGE_PROTOCOL;

/* ---- device path (10.2, 10.3) ---------------------------------------------------------------- */
#define EFI_DEVICE_PATH_PROTOCOL_GUID \
    {0x09576e91, 0x6d3f, 0x11d2, {0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}
/* A node: type, subtype, 16-bit little-endian length (header included), then node data. */
typedef struct {
    uint8_t type;
    uint8_t sub_type;
    uint8_t length[2];
} EFI_DEVICE_PATH_PROTOCOL;
#define EFI_DP_TYPE_MEDIA      0x04
#define EFI_DP_SUB_HARD_DRIVE  0x01
#define EFI_DP_SUB_CDROM       0x02
#define EFI_DP_TYPE_END        0x7f
/* Hard Drive media node (10.3.5.1), packed, 42 bytes: offsets of its fields. */
#define EFI_DP_HD_PARTITION_START 8  /* uint64_t, LBA */
#define EFI_DP_HD_SIGNATURE       24 /* uint8_t[16], GPT unique partition GUID */
#define EFI_DP_HD_MBR_TYPE        40 /* 2 = GPT */
#define EFI_DP_HD_SIGNATURE_TYPE  41 /* 2 = GUID */
#define EFI_DP_HD_LENGTH          42

/* ---- simple file system and file protocol (13.4, 13.5) --------------------------------------- */
#define EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID \
    {0x964e5b22, 0x6459, 0x11d2, {0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}
#define EFI_FILE_INFO_GUID \
    {0x09576e92, 0x6d3f, 0x11d2, {0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}}

typedef struct EFI_FILE_PROTOCOL EFI_FILE_PROTOCOL;
struct EFI_FILE_PROTOCOL {
    uint64_t revision;
    EFI_STATUS (*open)(EFI_FILE_PROTOCOL *self, EFI_FILE_PROTOCOL **new_handle, const CHAR16 *file_name,
                       uint64_t open_mode, uint64_t attributes);
    EFI_STATUS (*close)(EFI_FILE_PROTOCOL *self);
    void *delete_file;
    EFI_STATUS (*read)(EFI_FILE_PROTOCOL *self, UINTN *buffer_size, void *buffer);
    void *write;
    void *get_position;
    void *set_position;
    EFI_STATUS (*get_info)(EFI_FILE_PROTOCOL *self, const EFI_GUID *information_type, UINTN *buffer_size,
                           void *buffer);
    void *set_info;
    void *flush;
};
#define EFI_FILE_MODE_READ 0x0000000000000001ULL

typedef struct EFI_SIMPLE_FILE_SYSTEM_PROTOCOL EFI_SIMPLE_FILE_SYSTEM_PROTOCOL;
struct EFI_SIMPLE_FILE_SYSTEM_PROTOCOL {
    uint64_t revision;
    EFI_STATUS (*open_volume)(EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *self, EFI_FILE_PROTOCOL **root);
};

/* EFI_FILE_INFO: the file name (CHAR16[]) follows these fields. */
typedef struct {
    uint64_t size;
    uint64_t file_size;
    uint64_t physical_size;
    uint8_t create_time[16];
    uint8_t last_access_time[16];
    uint8_t modification_time[16];
    uint64_t attribute;
} EFI_FILE_INFO;
#define EFI_FILE_DIRECTORY 0x10ULL

/* ---- graphics output (12.9) ------------------------------------------------------------------ */
#define EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID \
    {0x9042a9de, 0x23dc, 0x4a38, {0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a}}
typedef enum {
    EFI_PIXEL_RGB_RESERVED_8BIT = 0,
    EFI_PIXEL_BGR_RESERVED_8BIT = 1,
    EFI_PIXEL_BIT_MASK = 2,
    EFI_PIXEL_BLT_ONLY = 3,
} EFI_GRAPHICS_PIXEL_FORMAT;
typedef struct {
    uint32_t version;
    uint32_t horizontal_resolution;
    uint32_t vertical_resolution;
    EFI_GRAPHICS_PIXEL_FORMAT pixel_format;
    uint32_t red_mask, green_mask, blue_mask, reserved_mask; /* EFI_PIXEL_BIT_MASK only */
    uint32_t pixels_per_scan_line;
} EFI_GRAPHICS_OUTPUT_MODE_INFORMATION;
typedef struct {
    uint32_t max_mode;
    uint32_t mode;
    EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
    UINTN size_of_info;
    EFI_PHYSICAL_ADDRESS frame_buffer_base;
    UINTN frame_buffer_size;
} EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE;
typedef struct {
    void *query_mode;
    void *set_mode;
    void *blt;
    EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE *mode;
} EFI_GRAPHICS_OUTPUT_PROTOCOL;

/* ---- configuration table GUIDs (4.6) --------------------------------------------------------- */
#define EFI_ACPI_20_TABLE_GUID \
    {0x8868e871, 0xe4f1, 0x11d3, {0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81}}
#define EFI_ACPI_10_TABLE_GUID \
    {0xeb9d2d30, 0x2d88, 0x11d3, {0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d}}

#endif
