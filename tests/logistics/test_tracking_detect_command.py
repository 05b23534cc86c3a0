import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from django.core.management import call_command

REPO = Path(__file__).resolve().parents[2]


def run(lines, *args):
    out = io.StringIO()
    call_command("tracking_detect", *args, stdin=io.StringIO(lines), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_json_line_per_input_line_with_ranked_candidates():
    results = run("1Z999AA10123456784\n00340433836442636597\n1Z999AA10123456785\n\n")

    assert results[0] == {
        "input": "1Z999AA10123456784",
        "valid": True,
        "candidates": [{"carrier": "ups", "number": "1Z999AA10123456784", "check_digit_ok": True}],
    }
    assert [c["carrier"] for c in results[1]["candidates"]][:2] == ["dhl-paket", "usps"]
    assert results[2]["valid"] is False
    assert results[2]["candidates"] == [
        {"carrier": "ups", "number": "1Z999AA10123456785", "check_digit_ok": False}
    ]
    assert len(results) == 3  # the blank line is skipped


def test_free_text_gives_the_candidates_of_every_number_found_in_it():
    [result] = run(
        "Order 113-1234567-1234567: parcels RR123456785CN and 1Z999AA10123456784, call +49 151 23456789\n"
    )

    assert result["valid"] is True
    assert [(c["carrier"], c["number"]) for c in result["candidates"]] == [
        ("china-post", "RR123456785CN"),
        ("ups", "1Z999AA10123456784"),
    ]


def test_a_line_with_nothing_in_it_is_reported_invalid_not_dropped():
    assert run("hello, where is my parcel?\n") == [
        {"input": "hello, where is my parcel?", "valid": False, "candidates": []}
    ]


def test_formats_without_a_check_digit_say_so_with_null():
    [result] = run("YT2229521272164446\n")

    assert result["candidates"] == [
        {"carrier": "yunexpress", "number": "YT2229521272164446", "check_digit_ok": None}
    ]
    assert result["valid"] is True


def test_the_country_option_ranks_that_countrys_carrier_first():
    [plain] = run("201298452277\n")
    [german] = run("201298452277\n", "--country", "DE")

    assert plain["candidates"][0]["carrier"] == "fedex"
    assert german["candidates"][0]["carrier"] == "dhl-paket"


def test_as_a_pipe_each_answer_comes_before_the_next_line_is_written():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test", "PYTHONUNBUFFERED": "0"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "tracking_detect"],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    try:
        answers = []
        for line in ("RR123456785CN", "9400 1112 0108 0805 4830 16"):
            process.stdin.write(line + "\n")
            process.stdin.flush()
            answer: list[str] = []
            reader = threading.Thread(target=lambda into=answer: into.append(process.stdout.readline()))
            reader.start()
            reader.join(timeout=60)
            assert answer, "no answer before the next line: the command does not flush per line"
            answers.append(json.loads(answer[0]))
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()

    assert [a["candidates"][0]["carrier"] for a in answers] == ["china-post", "usps"]
    assert answers[1]["candidates"][0]["number"] == "9400111201080805483016"
