/**
 * Debian packages that make up the python image, as `apt-get install name=version` pins.
 *
 * Only the entry points are pinned exactly: `python3` (3.11.2-1+b1) and `python3-pip` (23.0.1+dfsg-1) have kept
 * these versions for all of bookworm's life. The interpreter they depend on, `python3.11`, is left to follow the
 * suite: it receives security updates, and deb.debian.org keeps only the newest build, so an exact pin there would
 * stop the image from building at the next update. apt checks every download against the suite's signed Release
 * file, and the fragment checks the interpreter's minor version.
 */
export interface PythonPins {
  /** Debian version of the `python3` package. @default "3.11.2-1+b1" */
  python3: string;
  /** Debian version of the `python3-pip` package. @default "23.0.1+dfsg-1" */
  pip: string;
  /** The interpreter's `major.minor`, asserted at build time. @default "3.11" */
  pythonMinor: string;
}

export const defaultPythonPins: PythonPins = {
  python3: "3.11.2-1+b1",
  pip: "23.0.1+dfsg-1",
  pythonMinor: "3.11",
};
