"""The vocabulary of who sees and does what: objects, acts and reaches (DESIGN "Personal data
and trust").

A permission cell says how far (`Reach`) a principal reaches with an act (`Act`) on a kind of
object (`Obj`). The table of cells is `onestop.org.permissions.TABLE` (its rows are the staff
roles, the applicant and the devices); each app's scoped fetch reads its cells there.
"""

from __future__ import annotations

from enum import StrEnum


class Obj(StrEnum):
    CASE = "case"  # a submitted case (办件)
    DRAFT = "draft"  # a case not yet submitted (草稿)
    MATERIAL = "material"  # the files of a case's materials, and files on record (存档材料)
    IDENTITY = "identity"  # an applicant's full ID number or credit code
    NOTICE = "notice"  # fee notices and the written notices of a case (受理通知书, …)
    CERTIFICATE = "certificate"  # the licence a case granted (电子证照)
    HOTLINE_TICKET = "hotline_ticket"  # 12345 tickets
    BOOKING = "booking"  # hall bookings (预约)
    BID = "bid"  # sealed bids of a tender (投标文件)
    RATING = "rating"  # 好差评
    STAFF_PAGE = "staff_page"  # the workbench and its lists


class Act(StrEnum):
    SUMMARY = "summary"  # number, item, status and due date — what a caller is told
    READ = "read"  # the whole object (form, applicant, timeline)
    ACT = "act"  # the moves on it
    DOWNLOAD = "download"  # the bytes of a file
    REUSE = "reuse"  # link a file on record to a new case (一次提交、多次使用)
    REVEAL = "reveal"  # see a full ID number (recorded)
    CREATE = "create"  # make one (a rating)
    AUDIT = "audit"  # list the recorded reads (of full ID numbers)


class Reach(StrEnum):
    NONE = "none"
    OWN = "own"  # the applicant's own
    FILED = "filed"  # what an agent filed, for an applicant they serve
    CONSENT = "consent"  # files whose owner recorded consent for this agent/point and material
    WINDOW = "window"  # drafts their department started at the window
    DEPARTMENT = "department"  # their department's (and those it gives an opinion on), in region
    REGION = "region"  # everything in their region subtree
    JOB = "job"  # the routes of a device's one job
