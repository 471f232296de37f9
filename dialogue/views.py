from django.shortcuts import render


def dialogue_home(request):
    return render(request, "dialogue/home.html", {})
