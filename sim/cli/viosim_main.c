/* viosim: brings simulated virtio devices up through the real driver library and checks them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "viosim.h"
#include "viosim_matrix.h"
#include "viosim_rig.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: viosim [options]\n"
                 "       viosim conform [-v]   the conformance catalogue (conform --help)\n"
                 "\n"
                 "Builds simulated machines, brings their virtio devices up through the real\n"
                 "driver library and runs a verified workload on each, then a fault sweep.\n"
                 "Exits 0 when every check passes, 1 when one fails, 2 on a usage error.\n"
                 "\n"
                 "options:\n"
                 "  --trace[=FILE]   log every register access and queue event (default stderr)\n"
                 "  --fault RULE     inject a fault into the workload machines (repeatable)\n"
                 "  --image FILE     back the block device with a raw image file; the sectors\n"
                 "                   the workload writes are restored afterwards\n"
                 "  --out DIR        where output files go (default viosim-out)\n"
                 "  -h, --help       this text\n"
                 "\n");
    vsim_fault_describe(out);
}

static int parse(int argc, char **argv, struct viosim_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--trace")) {
            o->trace = stderr;
        } else if (!strncmp(a, "--trace=", 8)) {
            o->trace = fopen(a + 8, "w");
            if (!o->trace) {
                perror(a + 8);
                return -1;
            }
        } else if ((!strcmp(a, "--fault") || !strcmp(a, "--image") || !strcmp(a, "--out")) && val) {
            if (!strcmp(a, "--image")) {
                o->image = val;
            } else if (!strcmp(a, "--out")) {
                o->out_dir = val;
            } else if (o->nfaults == VIOSIM_FAULTS_MAX) {
                fprintf(stderr, "viosim: at most %d --fault rules\n", VIOSIM_FAULTS_MAX);
                return -1;
            } else {
                o->faults[o->nfaults++] = val;
            }
            i++;
        } else {
            fprintf(stderr, "viosim: %s '%s' (try --help)\n",
                    a[0] == '-' && !val ? "missing value or unknown option" : "unknown argument",
                    a);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct viosim_opts o = {.out_dir = "viosim-out"};
    if (argc > 1 && strcmp(argv[1], "conform") == 0)
        return viosim_conform_main(argc - 1, argv + 1);
    if (parse(argc, argv, &o) != 0)
        return 2;
    /* Check every user rule before any scenario runs, so a typo is a usage error. */
    for (unsigned i = 0; i < o.nfaults; i++) {
        struct vsim_fault_rule rule;
        char err[VSIM_FAULT_ERR_MAX];
        if (vsim_fault_parse_rule(o.faults[i], &rule, err) != 0) {
            fprintf(stderr, "viosim: bad --fault '%s': %s\n", o.faults[i], err);
            return 2;
        }
    }

    struct viosim_report r = {0};
    printf("viosim: the vio driver library against simulated virtio devices\n");
    if (o.nfaults)
        printf("injected faults: %u rule(s), starting with '%s'\n", o.nfaults, o.faults[0]);
    if (mkdir(o.out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "viosim: cannot create %s: %s\n", o.out_dir, strerror(errno));
        return 2;
    }
    char png[512], pcap[512];
    snprintf(png, sizeof png, "%s/scanout.png", o.out_dir);
    snprintf(pcap, sizeof pcap, "%s/net.pcap", o.out_dir);
    for (int kind = 0; kind < VIOSIM_TRANSPORTS; kind++) {
        struct viosim_rig rig;
        viosim_section("%s", viosim_transport_name(kind));
        if (!viosim_rig_build(&rig, kind, &o, &r))
            continue;
        viosim_rig_probe(&rig, &r);
        /* The modern MMIO run leaves its files behind; the others are checked in memory. */
        bool keep = kind == VIOSIM_MMIO_V2;
#ifdef VIO_BLOCK
        viosim_blk_run(&rig, &r);
#endif
#ifdef VIO_GPU
        viosim_gpu_run(&rig, keep ? png : NULL, &r);
#endif
#ifdef VIO_NET
        viosim_net_run(&rig, keep ? pcap : NULL, &r);
#endif
        (void)keep;
        viosim_rig_done(&rig, &r);
    }
#ifdef VIO_BLOCK
    viosim_fault_sweep(&o, &r);
#endif
#if defined(VIO_BLOCK) && defined(VIO_NET)
    viosim_matrix_report(&o, &r);
#endif

    printf("\noutput of the MMIO v2 run:\n");
#ifdef VIO_GPU
    printf("  %s  the GPU scanout\n", png);
#endif
#ifdef VIO_NET
    printf("  %s  the loopback NIC's frames, both directions\n", pcap);
#endif
    printf("\nviosim: %u passed, %u failed\n", r.checks - r.failed, r.failed);
    if (o.trace && o.trace != stderr)
        fclose(o.trace);
    return r.failed ? 1 : 0;
}
