"""Pathname expansion in the shell (docs/shell.md, "Pathname expansion"):
the shell typed to on a fresh rootfs disk, as uid 1000, in a directory it
fills itself; each command's output is the names the patterns matched, as
the programs got them. The matcher itself (user/lib/fnmatch.c) has host
tests: tests/host/test_fnmatch.c."""
from suites.shell import PROMPT, send, sh, steps, typed

L = "L" * 55  # with "xx" a name of 57 bytes: 31 of them fit exec's 2048

TESTS = [
    # No disk (the rescue shell): "/" cannot be read, so nothing there
    # matches, and the words stay as they are.
    sh("sh_glob_nodisk", steps(
        typed("echo /ec* /nosuch/* '*' [", r"^/ec\* /nosuch/\* \* \[$"),
        [send("exit\n")])),
    {"name": "sh_glob", "disk": "rootfs", "timeout": 120,
     "script": [("expect", r"blk: virtio-blk disk.*\n\$ $")] + steps(
         # README's example
         typed("cd; echo 'hello, disk' > f; cat f nosuch > out 2>&1 || echo \"failed: $?\"",
               r"^failed: 1$"),
         typed("echo /usr/share/notes/[a-f]* *", r"^/usr/share/notes/drivers /usr/share/notes/files "
               r"f out$"),
         typed("cd; mkdir g; cd g; touch b.c a.c c.h .hid.c ab ac 'x y' 'q*' qa; echo made",
               r"^made$"),
         typed("mkdir sub sub2 .hdir; echo one > sub/n1; echo two > sub/m2; touch sub2/n3 .hdir/h",
               r""),
         # sorted by strcmp ('.' < 'b', '*' < 'a', '/' < '2'), hidden names left out
         typed("echo *", r"^a\.c ab ac b\.c c\.h q\* qa sub sub2 x y$"),
         typed("echo *.c", r"^a\.c b\.c$"),
         typed("echo [a-b]? [!abq]*", r"^ab ac c\.h sub sub2 x y$"),
         typed("echo [^a-q]?? ?.[ch]", r"^sub x y a\.c b\.c c\.h$"),
         # a match is one argument, spaces and all
         typed("t_args x*", r"^t_args: argc=2\nt_args: argv\[0\]=<t_args>\nt_args: argv\[1\]=<x y>$"),
         # leading '.' only matched by a '.'; never . or ..
         typed("echo .* .h*/", r"^\.hdir \.hid\.c \.hdir/$"),
         typed("echo */ s*/[nm]?", r"^sub/ sub2/ sub/m2 sub/n1 sub2/n3$"),
         typed("echo ./*.c /usr/*/n* /usr/share/*/notes", r"^\./a\.c \./b\.c /usr/share/notes "
               r"/usr/share/data/notes$"),
         typed("echo /home/*/g/sub/?1 ../*/sub2/*", r"^/home/user/g/sub/n1 \.\./g/sub2/n3$"),
         # no match: the word as it is (POSIX sh)
         typed("echo *.zz nosuch/* sub/*/x [z", r"^\*\.zz nosuch/\* sub/\*/x \[z$"),
         # quoted parts are themselves: only "q*" matches [q]\*, and '!' is
         # no negation in quotes
         typed("echo '*' \"*.c\" \\*.c \"a\".* [q]\\* ['!'q]*", r"^\* \*\.c \*\.c a\.c q\* q\* qa$"),
         # after variables: an unquoted value's '*' is a pattern, a quoted one's not
         typed("P='*.c'; echo $P \"$P\" ${P}x", r"^a\.c b\.c \*\.c \*\.cx$"),
         # NAME=value is not a pattern (touch made a name it would match)
         typed("cd sub2; touch V=x.c; V=*.c; echo \"$V\" V=*; cd ..", r"^\*\.c V=x\.c$"),
         # programs get the names
         typed("cat sub/*", r"^two\none$"),
         typed("ls *.c", r"^a\.c\nb\.c$"),
         typed("mkdir tmp1 tmp2; touch tmp1/f tmp3; rm -r tmp*; echo tmp*", r"^tmp\*$"),
         # redirections: one match is the file, none the word, more an error
         typed("echo hi > c.*; cat c.h", r"^hi$"),
         typed("echo new > *.zz; cat '*.zz'", r"^new$"),
         typed("cat < s*/n?; echo s=$?", r"^sh: s\*/n\?: ambiguous redirect\ns=1$"),
         typed("echo x > *.c; echo s=$?", r"^sh: \*\.c: ambiguous redirect\ns=1$"),
         # the bounds: 32 words a command (exec's), 4096 bytes a pipeline
         typed("mkdir m; cd m; touch a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 "
               "a17 a18 a19; touch b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 b10 b11 b12 b13 b14 b15 b16", r""),
         typed("echo *; echo s=$?", r"^sh: \*: too many matches \(a command takes at most 32 "
               r"words\)\ns=1$"),
         typed("echo a* b1*", r"^a0 a1 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a2 a3 a4 a5 a6 a7 "
               r"a8 a9 b1 b10 b11 b12 b13 b14 b15 b16$"),
         typed("echo a* b1* b2 b3 b4 b5", r"^sh: too many words once expanded \(a command takes at "
               r"most 32\)$"),
         typed("cd ..; mkdir n; cd n; L=%s" % L, r""),
         typed("touch " + " ".join("${L}%02d" % i for i in range(16)), r""),
         typed("touch " + " ".join("${L}%02d" % i for i in range(16, 31)), r""),
         typed("echo L* | wc -c", r"^\s*%d$" % (31 * 58)),
         typed("echo L* | echo L* | echo L* | wc -c; echo s=$?", r"^sh: L\*: the names it matches are too "
               r"long together\ns=1$"),
         [send("exit\n")]),
     "expect": [r"init \(pid 1\) exited with status 0"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL", r"^fs: ", r"not found"]},
]
