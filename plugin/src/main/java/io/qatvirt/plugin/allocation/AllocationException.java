package io.qatvirt.plugin.allocation;

/**
 * A device request that can't be answered. The kind says whose fault it is; the message names the
 * device ID and the reason in the form "tried to X, but Y". The gRPC edge turns the kind into a
 * status code.
 */
public final class AllocationException extends RuntimeException {

  /** Why the request was refused. */
  public enum Kind {
    /** An ID that is not a PCI address, a duplicate, or a size that can't be met. */
    INVALID,
    /** A well-formed ID this plugin doesn't advertise under the resource. */
    UNKNOWN,
    /** An advertised device that is unhealthy right now. */
    UNHEALTHY,
    /** An advertised device whose sysfs entry is gone at the time of the call. */
    GONE,
    /**
     * An advertised device that changed since the scan: on another driver, in another IOMMU group,
     * or without its {@code /dev/vfio} node.
     */
    CHANGED
  }

  private final Kind kind;

  public AllocationException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
