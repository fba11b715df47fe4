SUMMARY = "vxn: an OCI runtime that runs every container as its own Xen PV guest"
DESCRIPTION = "runc-compatible runtime for a Xen dom0: each container is a DomU \
with a minimal kernel and a static init; used by containerd, Docker and Podman."
LICENSE = "GPL-2.0-only"
LIC_FILES_CHKSUM = "file://README.md;md5=${VXN_README_MD5}"
VXN_README_MD5 ?= "0"

# Built from this repository's checkout (set VXN_SRC in local.conf), or from git.
SRC_URI = "git://${VXN_GIT_URL};protocol=https;branch=main"
VXN_GIT_URL ?= "example.invalid/vxn.git"
SRCREV ?= "${AUTOREV}"
PV = "0.1.0+git${SRCPV}"
S = "${WORKDIR}/git"

# xen-tools (meta-virtualization) provides libxenlight, libxenstore, libxenvchan;
# vxn links libxenlight statically, with libuuid, zlib, xz and zstd.
DEPENDS = "xen-tools yajl libarchive util-linux zlib xz zstd"

inherit meson pkgconfig

# The guest-side pieces (static guest-init, base initramfs) and the static
# per-container monitor (${libexecdir}/vxn/vxn-monitor) need static libc and
# static Xen libraries; the guest kernel is its own recipe (not written yet),
# hence -Dkernel=none.
# The engine configurations are installed by meson when asked, each into its
# own package below.
EXTRA_OEMESON = "-Dtests=false -Dkernel=none \
	-Dinstall_docker_config=true \
	-Dinstall_podman_config=true \
	-Dinstall_containerd_config=true"

PACKAGES =+ "${PN}-vdkr ${PN}-vpdmn ${PN}-docker-config ${PN}-podman-config ${PN}-containerd-config"

# vxn, its vxn-oci-runtime alias, the containerd shim containerd-shim-vxn-v2
# (runtime name io.containerd.vxn.v2) with its private `runc` (a symlink to
# vxn in ${libexecdir}/vxn/shim-bin), vxn-monitor, kernel + initramfs, vxn.conf.
FILES:${PN} += "${datadir}/vxn ${sysconfdir}/vxn ${libexecdir}/vxn"
# The daemonless frontends: `vdkr` (Docker's spelling) and `vpdmn` (Podman's,
# a symlink to the same program); images come through skopeo and umoci
# (meta-virtualization recipes), the containers through vxn's library
# linked into vdkr, which still needs vxn-monitor, the kernel and vxn.conf.
FILES:${PN}-vdkr = "${bindir}/vdkr"
FILES:${PN}-vpdmn = "${bindir}/vpdmn"
FILES:${PN}-docker-config = "${sysconfdir}/docker/daemon.json"
FILES:${PN}-podman-config = "${sysconfdir}/containers/containers.conf.d/50-vxn.conf"
FILES:${PN}-containerd-config = "${sysconfdir}/containerd/conf.d/vxn.toml \
	${datadir}/vxn/runtimeclass-vxn.yaml"
CONFFILES:${PN}-docker-config = "${sysconfdir}/docker/daemon.json"
CONFFILES:${PN}-podman-config = "${sysconfdir}/containers/containers.conf.d/50-vxn.conf"
CONFFILES:${PN}-containerd-config = "${sysconfdir}/containerd/conf.d/vxn.toml"

RDEPENDS:${PN} = "xen-tools-libxenlight xen-tools-xenstore e2fsprogs-mke2fs"
# cni: the bridge, host-local and portmap plugins of `run -p` and
# `--network bridge`; iptables for their NAT
RDEPENDS:${PN}-vdkr = "${PN} skopeo umoci erofs-utils cni iptables"
RDEPENDS:${PN}-vpdmn = "${PN}-vdkr"
RDEPENDS:${PN}-docker-config = "${PN} docker"
RDEPENDS:${PN}-podman-config = "${PN} podman"
RDEPENDS:${PN}-containerd-config = "${PN} containerd"
